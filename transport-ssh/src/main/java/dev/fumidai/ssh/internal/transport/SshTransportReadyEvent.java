// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import dev.fumidai.ssh.HostKeyVerdict;
import java.util.List;

/**
 * Signals that user authentication may start: key exchange done, host key verified, {@code ssh-userauth}
 * requested (RFC 4253 §10) and the server's EXT_INFO, if any, read. SERVICE_ACCEPT may still be on its way: the
 * transport requires it before it passes any user-authentication answer up, so requests can be sent at once.
 * Fired up the pipeline once, and the value of the transport handler's ready future.
 *
 * @param serverVersion the server's version line
 * @param algorithms what was negotiated in the first key exchange
 * @param hostKeyAlgorithm the negotiated host-key algorithm
 * @param hostKeyBlob the server's host key (or certificate) in wire form
 * @param hostKeyFingerprint its {@code SHA256:} fingerprint
 * @param verdict how the key was verified
 * @param sessionId the session identifier, the first exchange hash (RFC 4253 §7.2); user auth signs it
 * @param serverSigAlgs the server's {@code server-sig-algs} (RFC 8308 §3.1), empty if it sent none
 */
public record SshTransportReadyEvent(String serverVersion, NegotiatedAlgorithms algorithms, String hostKeyAlgorithm,
        byte[] hostKeyBlob, String hostKeyFingerprint, HostKeyVerdict verdict, byte[] sessionId,
        List<String> serverSigAlgs) {

    public SshTransportReadyEvent {
        hostKeyBlob = hostKeyBlob.clone();
        sessionId = sessionId.clone();
        serverSigAlgs = List.copyOf(serverSigAlgs);
    }

    /** Returns the negotiated algorithms in the form of the {@code hop.connect} audit event. */
    public dev.fumidai.audit.CryptoInfo cryptoInfo() {
        return algorithms.cryptoInfo();
    }

    /** Returns the host key and how it was verified, in the form of the {@code hop.hostkey} audit event. */
    public dev.fumidai.audit.HostKeyInfo hostKeyInfo() {
        return new dev.fumidai.audit.HostKeyInfo(hostKeyAlgorithm, hostKeyFingerprint, verdict.verifiedBy());
    }

    @Override
    public byte[] hostKeyBlob() {
        return hostKeyBlob.clone();
    }

    @Override
    public byte[] sessionId() {
        return sessionId.clone();
    }
}
