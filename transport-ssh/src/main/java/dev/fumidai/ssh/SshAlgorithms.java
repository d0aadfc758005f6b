// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import dev.fumidai.ssh.internal.keys.KeyAlgorithms;

/**
 * Names the SSH algorithms this library implements; each constant's value is the exact wire string, for use
 * in {@link SshTransportConfig}. The nested classes {@link Kex}, {@link HostKey}, {@link Cipher} and {@link Mac}
 * name the defaults; {@link InsecureLegacy} names the insecure algorithms that old servers still need, which a
 * configuration accepts only after {@link SshTransportConfig.Builder#allowInsecureLegacyAlgorithms()}.
 */
public final class SshAlgorithms {

    private SshAlgorithms() {
    }

    /** Key-exchange methods (RFC 9142 and OpenSSH names). */
    public static final class Kex {
        public static final String MLKEM768_X25519_SHA256 = KexAlgorithms.MLKEM768_X25519_SHA256;
        public static final String SNTRUP761_X25519_SHA512 = KexAlgorithms.SNTRUP761_X25519_SHA512;
        public static final String SNTRUP761_X25519_SHA512_OPENSSH = KexAlgorithms.SNTRUP761_X25519_SHA512_OPENSSH;
        public static final String CURVE25519_SHA256 = KexAlgorithms.CURVE25519_SHA256;
        public static final String CURVE25519_SHA256_LIBSSH = KexAlgorithms.CURVE25519_SHA256_LIBSSH;
        public static final String ECDH_SHA2_NISTP256 = KexAlgorithms.ECDH_NISTP256;
        public static final String ECDH_SHA2_NISTP384 = KexAlgorithms.ECDH_NISTP384;
        public static final String ECDH_SHA2_NISTP521 = KexAlgorithms.ECDH_NISTP521;
        public static final String DH_GROUP_EXCHANGE_SHA256 = KexAlgorithms.DH_GEX_SHA256;
        public static final String DH_GROUP16_SHA512 = KexAlgorithms.DH_GROUP16_SHA512;
        public static final String DH_GROUP18_SHA512 = KexAlgorithms.DH_GROUP18_SHA512;
        public static final String DH_GROUP14_SHA256 = KexAlgorithms.DH_GROUP14_SHA256;

        private Kex() {
        }
    }

    /** Host-key algorithms (RFC 8709, RFC 5656, RFC 8332, OpenSSH {@code PROTOCOL.certkeys}). */
    public static final class HostKey {
        public static final String SSH_ED25519 = KeyAlgorithms.SSH_ED25519;
        public static final String ECDSA_SHA2_NISTP256 = KeyAlgorithms.ECDSA_NISTP256;
        public static final String ECDSA_SHA2_NISTP384 = KeyAlgorithms.ECDSA_NISTP384;
        public static final String ECDSA_SHA2_NISTP521 = KeyAlgorithms.ECDSA_NISTP521;
        public static final String RSA_SHA2_512 = KeyAlgorithms.RSA_SHA2_512;
        public static final String RSA_SHA2_256 = KeyAlgorithms.RSA_SHA2_256;
        public static final String SSH_ED25519_CERT = KeyAlgorithms.SSH_ED25519_CERT;
        public static final String ECDSA_SHA2_NISTP256_CERT = KeyAlgorithms.ECDSA_NISTP256_CERT;
        public static final String ECDSA_SHA2_NISTP384_CERT = KeyAlgorithms.ECDSA_NISTP384_CERT;
        public static final String ECDSA_SHA2_NISTP521_CERT = KeyAlgorithms.ECDSA_NISTP521_CERT;
        public static final String RSA_SHA2_512_CERT = KeyAlgorithms.RSA_SHA2_512_CERT;
        public static final String RSA_SHA2_256_CERT = KeyAlgorithms.RSA_SHA2_256_CERT;

        private HostKey() {
        }
    }

    /** Ciphers (OpenSSH {@code PROTOCOL.chacha20poly1305}, RFC 5647, RFC 4344). */
    public static final class Cipher {
        public static final String CHACHA20_POLY1305 = CipherAlgorithms.CHACHA20_POLY1305;
        public static final String AES128_GCM = CipherAlgorithms.AES128_GCM;
        public static final String AES256_GCM = CipherAlgorithms.AES256_GCM;
        public static final String AES128_CTR = CipherAlgorithms.AES128_CTR;
        public static final String AES192_CTR = CipherAlgorithms.AES192_CTR;
        public static final String AES256_CTR = CipherAlgorithms.AES256_CTR;

        private Cipher() {
        }
    }

    /**
     * MACs for the CTR ciphers (RFC 6668, OpenSSH {@code PROTOCOL} §1.5 for the -etm forms). The default list is
     * the two encrypt-then-MAC ones; {@code hmac-sha2-256} and {@code hmac-sha2-512} are offered only when a hop
     * lists them, and never with a legacy CBC cipher.
     */
    public static final class Mac {
        public static final String HMAC_SHA2_256_ETM = CipherAlgorithms.HMAC_SHA2_256_ETM;
        public static final String HMAC_SHA2_512_ETM = CipherAlgorithms.HMAC_SHA2_512_ETM;
        public static final String HMAC_SHA2_256 = CipherAlgorithms.HMAC_SHA2_256;
        public static final String HMAC_SHA2_512 = CipherAlgorithms.HMAC_SHA2_512;

        private Mac() {
        }
    }

    /**
     * Names the insecure legacy algorithms of the ssh-client spec's "opt-in only" column, for servers that offer
     * nothing better. None is ever offered by default; a configuration that names one without
     * {@link SshTransportConfig.Builder#allowInsecureLegacyAlgorithms()} is refused, and the SHA-1 ones are still
     * refused at negotiation while {@link SshTransportConfig#isForbidSha1()} holds (the default). A connection
     * that negotiates one logs a warning naming it, and the names go into the {@code hop.connect} audit event.
     */
    public static final class InsecureLegacy {
        /** RFC 4253 §8.2 group 14 with a SHA-1 exchange hash. */
        public static final String DH_GROUP14_SHA1 = KexAlgorithms.DH_GROUP14_SHA1;
        /** RFC 4419 group exchange with a SHA-1 exchange hash. */
        public static final String DH_GROUP_EXCHANGE_SHA1 = KexAlgorithms.DH_GEX_SHA1;
        /** RFC 4253 §6.6 RSA signatures with SHA-1. */
        public static final String SSH_RSA = KeyAlgorithms.SSH_RSA;
        public static final String AES128_CBC = CipherAlgorithms.AES128_CBC;
        public static final String AES192_CBC = CipherAlgorithms.AES192_CBC;
        public static final String AES256_CBC = CipherAlgorithms.AES256_CBC;
        public static final String TRIPLE_DES_CBC = CipherAlgorithms.TRIPLE_DES_CBC;
        public static final String HMAC_SHA1 = CipherAlgorithms.HMAC_SHA1;
        public static final String HMAC_SHA1_ETM = CipherAlgorithms.HMAC_SHA1_ETM;

        /** Lists the legacy key exchanges, in the order they are appended after the defaults. */
        public static final java.util.List<String> KEX = KexAlgorithms.LEGACY;
        /** Lists the legacy host-key algorithms. */
        public static final java.util.List<String> HOST_KEY = java.util.List.of(SSH_RSA);
        /** Lists the legacy ciphers. */
        public static final java.util.List<String> CIPHERS = CipherAlgorithms.LEGACY_CIPHERS;
        /** Lists the legacy MACs. */
        public static final java.util.List<String> MACS = CipherAlgorithms.LEGACY_MACS;

        private InsecureLegacy() {
        }

        /** Says whether a name is on one of the legacy lists. */
        public static boolean contains(String name) {
            return KEX.contains(name) || HOST_KEY.contains(name) || CIPHERS.contains(name) || MACS.contains(name);
        }
    }
}
