// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

/** Names the values of the PayloadType header field (SSM spec §4.3). */
public final class PayloadTypes {

    /** Marks acknowledgements and MGS control messages, which leave the field at zero. */
    public static final int NONE = 0;
    /** Carries application bytes in both directions. */
    public static final int OUTPUT = 1;
    /** Carries an error text; unused by port sessions. */
    public static final int ERROR = 2;
    /** Carries a terminal size; shell sessions only. */
    public static final int SIZE = 3;
    /** Defined by the protocol, unused. */
    public static final int PARAMETER = 4;
    /** Carries the agent's HandshakeRequest JSON (§6.2). */
    public static final int HANDSHAKE_REQUEST = 5;
    /** Carries the client's HandshakeResponse JSON (§6.3). */
    public static final int HANDSHAKE_RESPONSE = 6;
    /** Carries the agent's HandshakeComplete JSON (§6.5). */
    public static final int HANDSHAKE_COMPLETE = 7;
    /** Carries a KMS encryption challenge (§7); never used by port sessions. */
    public static final int ENC_CHALLENGE_REQUEST = 8;
    /** Answers a KMS encryption challenge (§7). */
    public static final int ENC_CHALLENGE_RESPONSE = 9;
    /** Carries a 4-byte big-endian flag code (§4.5). */
    public static final int FLAG = 10;
    /** Carries standard error of shell sessions. */
    public static final int STDERR = 11;
    /** Carries the exit code of command sessions. */
    public static final int EXIT_CODE = 12;

    private PayloadTypes() {
    }
}
