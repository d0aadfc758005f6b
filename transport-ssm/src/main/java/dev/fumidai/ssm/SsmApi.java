// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import dev.fumidai.audit.AwsIdentity;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Calls the Session Manager control plane ({@code docs/transport-ssm.md}): StartSession, ResumeSession, TerminateSession. The
 * default implementation is {@link AwsSdkSsmApi}; tests and applications that obtain sessions elsewhere
 * supply their own.
 *
 * <h2>Threading</h2>
 * Implementations are thread-safe and never block the caller: the futures complete on the implementation's
 * own threads.
 *
 * <h2>Failure</h2>
 * Futures fail with a {@link dev.fumidai.TunnelException} subclass: {@link dev.fumidai.HopUnreachableException}
 * when the target is not connected or the service cannot be reached, {@link dev.fumidai.HopAuthenticationException}
 * when access is denied, {@link dev.fumidai.HopDisconnectedException} when a session to resume no longer exists.
 */
public interface SsmApi {

    /** Starts a session. */
    CompletableFuture<SsmSessionTicket> startSession(StartSessionRequest request);

    /** Gets a fresh token for a session whose websocket broke (§2.3); the StreamUrl stays the original one. */
    CompletableFuture<SsmSessionTicket> resumeSession(String sessionId);

    /** Ends a session for good (§2.4). */
    CompletableFuture<Void> terminateSession(String sessionId);

    /**
     * Returns the caller's AWS identity for the audit record ({@code credential.aws}), as far as it is known
     * without extra calls, or {@code null}. The default knows nothing.
     */
    default CompletableFuture<@Nullable AwsIdentity> callerIdentity() {
        return CompletableFuture.completedFuture(null);
    }
}
