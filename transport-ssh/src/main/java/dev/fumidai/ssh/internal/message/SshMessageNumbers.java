// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

/**
 * Names the SSH message numbers of the transport layer (RFC 4250 §4.1.2, RFC 8308, RFC 4419, RFC 5656) and
 * the ranges of RFC 4251 §7 that tell the layers apart.
 */
public final class SshMessageNumbers {

    public static final int DISCONNECT = 1;
    public static final int IGNORE = 2;
    public static final int UNIMPLEMENTED = 3;
    public static final int DEBUG = 4;
    public static final int SERVICE_REQUEST = 5;
    public static final int SERVICE_ACCEPT = 6;
    /** RFC 8308 §2.3. */
    public static final int EXT_INFO = 7;
    public static final int KEXINIT = 20;
    public static final int NEWKEYS = 21;
    /** First number of the kex-method-specific range 30..49 (RFC 4251 §7). */
    public static final int KEX_FIRST = 30;
    /** Last number of the kex-method-specific range (RFC 4251 §7). */
    public static final int KEX_LAST = 49;
    /** SSH_MSG_KEXDH_INIT (RFC 4253 §8), SSH_MSG_KEX_ECDH_INIT (RFC 5656 §7.1) and the hybrid kex INIT. */
    public static final int KEXDH_INIT = 30;
    /** SSH_MSG_KEXDH_REPLY, SSH_MSG_KEX_ECDH_REPLY and the hybrid kex REPLY. */
    public static final int KEXDH_REPLY = 31;
    /** SSH_MSG_KEX_DH_GEX_GROUP (RFC 4419 §5). */
    public static final int KEX_DH_GEX_GROUP = 31;
    /** SSH_MSG_KEX_DH_GEX_INIT (RFC 4419 §5). */
    public static final int KEX_DH_GEX_INIT = 32;
    /** SSH_MSG_KEX_DH_GEX_REPLY (RFC 4419 §5). */
    public static final int KEX_DH_GEX_REPLY = 33;
    /** SSH_MSG_KEX_DH_GEX_REQUEST (RFC 4419 §5). */
    public static final int KEX_DH_GEX_REQUEST = 34;
    /** First user-authentication message number (RFC 4251 §7); everything from here up belongs to upper layers. */
    public static final int USERAUTH_FIRST = 50;

    private SshMessageNumbers() {
    }
}
