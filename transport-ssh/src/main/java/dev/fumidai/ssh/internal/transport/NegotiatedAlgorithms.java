// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import dev.fumidai.audit.CryptoInfo;
import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import dev.fumidai.ssh.internal.message.DisconnectMessage;
import dev.fumidai.ssh.internal.message.KexInitMessage;
import dev.fumidai.ssh.internal.message.SshProtocolException;
import java.util.List;

/**
 * Holds the algorithms both sides agreed on (RFC 4253 §7.1: for each list, the first client algorithm the
 * server also supports). A MAC of {@link #IMPLICIT_MAC} means the cipher is AEAD.
 */
public record NegotiatedAlgorithms(String kex, String hostKey, String cipherClientToServer,
        String cipherServerToClient, String macClientToServer, String macServerToClient, boolean strictKex) {

    /** Stands for "no separate MAC" with AEAD ciphers, as the audit schema writes it. */
    public static final String IMPLICIT_MAC = "<implicit>";

    /** Returns the audit form. */
    public CryptoInfo cryptoInfo() {
        return new CryptoInfo(kex, cipherClientToServer, macClientToServer, hostKey, strictKex);
    }

    /** Lists the negotiated names that are on the insecure legacy lists (empty for a default configuration). */
    public List<String> legacyAlgorithms() {
        return java.util.stream.Stream.of(kex, hostKey, cipherClientToServer, cipherServerToClient,
                macClientToServer, macServerToClient).filter(dev.fumidai.ssh.SshAlgorithms.InsecureLegacy::contains)
                .distinct().toList();
    }

    /**
     * Negotiates from our KEXINIT and the server's.
     *
     * @throws SshProtocolException naming ours and theirs when a list has nothing in common
     */
    static NegotiatedAlgorithms negotiate(KexInitMessage ours, KexInitMessage theirs, boolean strictKex)
            throws SshProtocolException {
        String kex = pick("key exchange", ours.kexAlgorithms().stream()
                .filter(KexAlgorithms::isSupported).toList(), theirs.kexAlgorithms());
        String hostKey = pick("host key", ours.serverHostKeyAlgorithms(), theirs.serverHostKeyAlgorithms());
        String encCs = pick("cipher client to server", ours.encryptionClientToServer(),
                theirs.encryptionClientToServer());
        String encSc = pick("cipher server to client", ours.encryptionServerToClient(),
                theirs.encryptionServerToClient());
        String macCs = isAead(encCs) ? IMPLICIT_MAC
                : pick("MAC client to server", ours.macClientToServer(), theirs.macClientToServer());
        String macSc = isAead(encSc) ? IMPLICIT_MAC
                : pick("MAC server to client", ours.macServerToClient(), theirs.macServerToClient());
        pick("compression client to server", ours.compressionClientToServer(), theirs.compressionClientToServer());
        pick("compression server to client", ours.compressionServerToClient(), theirs.compressionServerToClient());
        return new NegotiatedAlgorithms(kex, hostKey, encCs, encSc, macCs, macSc, strictKex);
    }

    private static boolean isAead(String cipher) {
        return CipherAlgorithms.cipher(cipher).orElseThrow().aead();
    }

    private static String pick(String what, List<String> ours, List<String> theirs) throws SshProtocolException {
        for (String name : ours) {
            if (theirs.contains(name)) {
                return name;
            }
        }
        throw new SshProtocolException(DisconnectMessage.KEY_EXCHANGE_FAILED,
                "no common " + what + " algorithm; ours " + ours + ", theirs " + theirs);
    }
}
