// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import dev.fumidai.AuditUnavailableException;
import dev.fumidai.HopAuthenticationException;
import dev.fumidai.HopDisconnectedException;
import dev.fumidai.HopHandshakeException;
import dev.fumidai.HopHostKeyException;
import dev.fumidai.HopUnreachableException;
import dev.fumidai.RemoteForwardRefusedException;
import dev.fumidai.TargetUnreachableException;
import dev.fumidai.TunnelTimeoutException;
import dev.fumidai.UnsupportedHopOperationException;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Explains a non-success outcome or a close: a code and a free-text detail ({@code reason},
 * {@code reason_detail}). The detail never holds secrets or payloads.
 *
 * <h2>Details of failures</h2>
 * A detail is the library's own fixed text. For a failure, {@link #of(ReasonCode, Throwable)} chooses it by the
 * failure's type ({@link #describe}); the failure's message is never copied, since it can carry what a peer, a
 * cloud API or the operating system put there: user names, role ARNs, account ids, file paths, host names.
 */
public record Reason(ReasonCode code, @Nullable String detail) {

    public Reason {
        Objects.requireNonNull(code, "code");
    }

    /** Returns a reason without detail. */
    public static Reason of(ReasonCode code) {
        return new Reason(code, null);
    }

    /** Returns a reason with a detail, which must be the library's own text (never a copied message). */
    public static Reason of(ReasonCode code, @Nullable String detail) {
        return new Reason(code, detail);
    }

    /**
     * Returns a reason whose detail names {@code failure} by its type ({@link #describe}), never by its message.
     *
     * @param failure the failure, or {@code null} for no detail
     */
    public static Reason of(ReasonCode code, Throwable failure) {
        return new Reason(code, failure == null ? null : describe(failure));
    }

    /**
     * Returns fixed text for a failure, chosen by its type (the first match, the failure unwrapped from
     * {@link CompletionException} and {@link ExecutionException}): {@code "timed out"}, {@code "host key
     * rejected"}, {@code "handshake failed"}, {@code "authentication failed"}, {@code "hop unreachable"},
     * {@code "target unreachable"}, {@code "remote forward refused"}, {@code "operation not supported by the hop"},
     * {@code "hop disconnected"}, {@code "audit sink unavailable"}, {@code "host name not resolved"},
     * {@code "no route to host"}, {@code "connection refused"}, {@code "connection closed"}, {@code "TLS
     * failure"}, {@code "socket error"}, {@code "I/O error"}, {@code "security check failed"} or {@code "internal
     * error"}. The message of the failure is never used.
     */
    public static String describe(Throwable failure) {
        Throwable t = Objects.requireNonNull(failure, "failure");
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TunnelTimeoutException || isTimeout(t.getClass())) {
            return "timed out";
        }
        if (t instanceof HopHostKeyException) {
            return "host key rejected";
        }
        if (t instanceof HopHandshakeException) {
            return "handshake failed";
        }
        if (t instanceof HopAuthenticationException) {
            return "authentication failed";
        }
        if (t instanceof HopUnreachableException) {
            return "hop unreachable";
        }
        if (t instanceof TargetUnreachableException) {
            return "target unreachable";
        }
        if (t instanceof RemoteForwardRefusedException) {
            return "remote forward refused";
        }
        if (t instanceof UnsupportedHopOperationException) {
            return "operation not supported by the hop";
        }
        if (t instanceof HopDisconnectedException) {
            return "hop disconnected";
        }
        if (t instanceof AuditUnavailableException) {
            return "audit sink unavailable";
        }
        if (t instanceof java.net.UnknownHostException) {
            return "host name not resolved";
        }
        if (t instanceof java.net.NoRouteToHostException) {
            return "no route to host";
        }
        if (t instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (t instanceof java.nio.channels.ClosedChannelException || t instanceof java.io.EOFException) {
            return "connection closed";
        }
        if (t instanceof javax.net.ssl.SSLException) {
            return "TLS failure";
        }
        if (t instanceof java.net.SocketException) {
            return "socket error";
        }
        if (t instanceof java.io.IOException) {
            return "I/O error";
        }
        if (t instanceof java.security.GeneralSecurityException) {
            return "security check failed";
        }
        return "internal error";
    }

    /**
     * Tells a timeout by a class in its hierarchy named {@code *TimeoutException}: the JDK's
     * ({@code java.util.concurrent}, {@code java.net} socket and HTTP), Netty's (connect, read, write) and the AWS
     * SDK's share no common type but their names.
     */
    private static boolean isTimeout(Class<?> c) {
        for (; c != null; c = c.getSuperclass()) {
            if (c.getSimpleName().endsWith("TimeoutException")) {
                return true;
            }
        }
        return false;
    }
}
