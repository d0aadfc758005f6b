package dev.fumidai.ssh;

import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import dev.fumidai.ssh.internal.keys.KeyAlgorithms;

/**
 * Names the SSH algorithms this library implements; each constant's value is the exact wire string, for use
 * in {@link SshTransportConfig}. Nothing insecure (SHA-1 key exchange or MACs, CBC, 3DES, DSA, ssh-rsa
 * signatures) is implemented, so there is no opt-in legacy list yet.
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

    /** MACs for the CTR ciphers (RFC 6668, OpenSSH {@code PROTOCOL} §1.5 for the -etm forms). */
    public static final class Mac {
        public static final String HMAC_SHA2_256_ETM = CipherAlgorithms.HMAC_SHA2_256_ETM;
        public static final String HMAC_SHA2_512_ETM = CipherAlgorithms.HMAC_SHA2_512_ETM;
        public static final String HMAC_SHA2_256 = CipherAlgorithms.HMAC_SHA2_256;
        public static final String HMAC_SHA2_512 = CipherAlgorithms.HMAC_SHA2_512;

        private Mac() {
        }
    }
}
