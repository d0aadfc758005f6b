// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.auth;

import dev.fumidai.ssh.internal.agent.SshAgentClient;
import dev.fumidai.audit.CertificateInfo;
import dev.fumidai.audit.Credential;
import dev.fumidai.audit.CredentialType;
import dev.fumidai.ssh.internal.keys.KeyAlgorithms;
import dev.fumidai.ssh.internal.keys.OpenSshCertificate;
import dev.fumidai.ssh.internal.keys.RsaSshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPrivateKey;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Is a public key that user authentication can offer and sign with (RFC 4252 §7): a private key loaded in
 * this JVM, or a key held by an SSH agent. The private key never leaves the agent.
 */
public interface AuthIdentity {

    /** Returns the public key offered. */
    SshPublicKey publicKey();

    /** Returns the signature algorithms the key can make, strongest first. */
    List<String> signatureAlgorithms();

    /**
     * Signs data and returns the SSH signature blob ({@code string algorithm, string signature}).
     *
     * @param executor where blocking work (agent socket I/O) runs; never an event loop
     */
    CompletableFuture<byte[]> sign(String signatureAlgorithm, byte[] data, Executor executor);

    /**
     * Returns whether user authentication asks the server whether it accepts the key before signing (RFC 4252 §7,
     * the query with boolean FALSE). Keys held by someone else, whose signature may cost a prompt, a
     * confirmation or a touch (an agent, a security key), are queried first, as OpenSSH does, so nobody is asked
     * for a signature the server would not take. A key held in this JVM signs at once and its signed request is
     * sent without the query, saving a round trip per key (docs/transport-ssh.md, Handshake).
     */
    default boolean queryBeforeSigning() {
        return true;
    }

    /** Returns the credential for the {@code auth.attempt} event: fingerprint, and certificate facts if any. */
    default Credential credential() {
        SshPublicKey key = publicKey();
        if (key instanceof OpenSshCertificate c) {
            java.time.Instant validBefore = c.validBefore() == OpenSshCertificate.FOREVER ? null
                    : java.time.Instant.ofEpochSecond(Math.max(0, c.validBefore()));
            return new Credential(CredentialType.CERTIFICATE, c.fingerprint(), new CertificateInfo(c.keyId(),
                    c.serial(), c.signatureKey().fingerprint(), c.principals(), validBefore), null);
        }
        return new Credential(CredentialType.PUBLICKEY, key.fingerprint(), null, null);
    }

    /** Forgets secret key material held in this JVM, if any. */
    default void destroy() {
    }

    /** Returns an identity for a private key held here; signing runs on the caller's thread. */
    static AuthIdentity of(SshPrivateKey key) {
        return new AuthIdentity() {
            @Override
            public SshPublicKey publicKey() {
                return key.publicKey();
            }

            @Override
            public List<String> signatureAlgorithms() {
                return key.signatureAlgorithms();
            }

            @Override
            public CompletableFuture<byte[]> sign(String signatureAlgorithm, byte[] data, Executor executor) {
                try {
                    return CompletableFuture.completedFuture(key.sign(signatureAlgorithm, data));
                } catch (Exception e) {
                    return CompletableFuture.failedFuture(e);
                }
            }

            @Override
            public boolean queryBeforeSigning() {
                return false;
            }

            @Override
            public void destroy() {
                key.destroy();
            }

            @Override
            public String toString() {
                return key.toString();
            }
        };
    }

    /**
     * Returns an identity that offers an OpenSSH user certificate ({@code PROTOCOL.certkeys}) and signs with
     * the certified private key; RSA certificates use the {@code rsa-sha2-*-cert-v01@openssh.com} names.
     */
    static AuthIdentity ofCertificate(SshPrivateKey key, OpenSshCertificate cert) {
        return new AuthIdentity() {
            @Override
            public SshPublicKey publicKey() {
                return cert;
            }

            @Override
            public List<String> signatureAlgorithms() {
                return cert.publicKey() instanceof RsaSshPublicKey
                        ? List.of(KeyAlgorithms.RSA_SHA2_512_CERT, KeyAlgorithms.RSA_SHA2_256_CERT)
                        : List.of(cert.keyType());
            }

            @Override
            public CompletableFuture<byte[]> sign(String signatureAlgorithm, byte[] data, Executor executor) {
                try {
                    return CompletableFuture.completedFuture(
                            key.sign(KeyAlgorithms.signatureAlgorithmOf(signatureAlgorithm), data));
                } catch (Exception e) {
                    return CompletableFuture.failedFuture(e);
                }
            }

            @Override
            public boolean queryBeforeSigning() {
                return false;
            }

            @Override
            public String toString() {
                return "certificate " + cert;
            }
        };
    }

    /**
     * Returns an identity for a plain key held by an agent (draft-miller-ssh-agent §4.5); signing runs on the
     * executor because agent calls block on socket I/O.
     */
    static AuthIdentity ofAgent(SshAgentClient agent, SshPublicKey key) {
        return new AuthIdentity() {
            @Override
            public SshPublicKey publicKey() {
                return key;
            }

            @Override
            public List<String> signatureAlgorithms() {
                return key instanceof RsaSshPublicKey
                        ? List.of(KeyAlgorithms.RSA_SHA2_512, KeyAlgorithms.RSA_SHA2_256) : List.of(key.keyType());
            }

            @Override
            public CompletableFuture<byte[]> sign(String signatureAlgorithm, byte[] data, Executor executor) {
                return CompletableFuture.supplyAsync(() -> {
                    try {
                        return agent.sign(key, signatureAlgorithm, data);
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }, executor);
            }

            @Override
            public String toString() {
                return "agent " + key;
            }
        };
    }
}
