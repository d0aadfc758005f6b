// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import java.util.List;
import java.util.Set;

/** Names the key-exchange methods we implement (RFC 9142 names and OpenSSH's), in the default order. */
public final class KexAlgorithms {

    public static final String MLKEM768_X25519_SHA256 = "mlkem768x25519-sha256";
    public static final String SNTRUP761_X25519_SHA512 = "sntrup761x25519-sha512";
    public static final String SNTRUP761_X25519_SHA512_OPENSSH = "sntrup761x25519-sha512@openssh.com";
    public static final String CURVE25519_SHA256 = "curve25519-sha256";
    public static final String CURVE25519_SHA256_LIBSSH = "curve25519-sha256@libssh.org";
    public static final String ECDH_NISTP256 = "ecdh-sha2-nistp256";
    public static final String ECDH_NISTP384 = "ecdh-sha2-nistp384";
    public static final String ECDH_NISTP521 = "ecdh-sha2-nistp521";
    public static final String DH_GEX_SHA256 = "diffie-hellman-group-exchange-sha256";
    public static final String DH_GROUP16_SHA512 = "diffie-hellman-group16-sha512";
    public static final String DH_GROUP18_SHA512 = "diffie-hellman-group18-sha512";
    public static final String DH_GROUP14_SHA256 = "diffie-hellman-group14-sha256";
    /** Legacy (RFC 4253 §8.2, SHA-1 exchange hash): only on the opt-in {@link #LEGACY} list. */
    public static final String DH_GROUP14_SHA1 = "diffie-hellman-group14-sha1";
    /** Legacy (RFC 4419, SHA-1 exchange hash): only on the opt-in {@link #LEGACY} list. */
    public static final String DH_GEX_SHA1 = "diffie-hellman-group-exchange-sha1";

    /** RFC 8308 §2.1: the client accepts SSH_MSG_EXT_INFO. A pseudo-algorithm, never negotiated. */
    public static final String EXT_INFO_C = "ext-info-c";
    /** RFC 8308 §2.1: the server may send SSH_MSG_EXT_INFO after its first NEWKEYS. A pseudo-algorithm. */
    public static final String EXT_INFO_S = "ext-info-s";
    /** OpenSSH {@code PROTOCOL} §1.10: the client supports strict key exchange. */
    public static final String KEX_STRICT_C = "kex-strict-c-v00@openssh.com";
    /** OpenSSH {@code PROTOCOL} §1.10: the server supports strict key exchange. */
    public static final String KEX_STRICT_S = "kex-strict-s-v00@openssh.com";

    /** Lists the default preference order of the ssh-client spec (Algorithms). */
    public static final List<String> DEFAULT = List.of(MLKEM768_X25519_SHA256, SNTRUP761_X25519_SHA512,
            SNTRUP761_X25519_SHA512_OPENSSH, CURVE25519_SHA256, CURVE25519_SHA256_LIBSSH, ECDH_NISTP256,
            ECDH_NISTP384, ECDH_NISTP521, DH_GEX_SHA256, DH_GROUP16_SHA512, DH_GROUP18_SHA512, DH_GROUP14_SHA256);

    /**
     * Lists the insecure methods a hop may enable explicitly (the ssh-client spec's "opt-in only" column): they
     * hash the exchange with SHA-1, so a chosen-prefix collision could let an attacker splice transcripts. Never
     * part of {@link #DEFAULT}.
     */
    public static final List<String> LEGACY = List.of(DH_GROUP14_SHA1, DH_GEX_SHA1);

    /** Names the methods that resist a quantum adversary (hybrid with a post-quantum KEM). */
    public static final Set<String> POST_QUANTUM =
            Set.of(MLKEM768_X25519_SHA256, SNTRUP761_X25519_SHA512, SNTRUP761_X25519_SHA512_OPENSSH);

    private KexAlgorithms() {
    }

    /** Says whether a name is one we implement, on the default or the legacy list. */
    public static boolean isSupported(String name) {
        return DEFAULT.contains(name) || LEGACY.contains(name);
    }

    /** Says whether a name is on the opt-in legacy list. */
    public static boolean isLegacy(String name) {
        return LEGACY.contains(name);
    }
}
