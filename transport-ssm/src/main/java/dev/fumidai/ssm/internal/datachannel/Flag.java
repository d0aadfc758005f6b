// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

/** Lists the flag codes carried in {@link PayloadTypes#FLAG} payloads (SSM spec §4.5). */
public enum Flag {
    /** Tells the agent that the basic-mode local connection closed (client to agent). */
    DISCONNECT_TO_PORT(1),
    /** Tells the agent that the user ended the session (client to agent). */
    TERMINATE_SESSION(2),
    /** Tells the client that the agent could not dial the destination for a new stream (agent to client). */
    CONNECT_TO_PORT_ERROR(3);

    private final int code;

    Flag(int code) {
        this.code = code;
    }

    /** Returns the wire code. */
    public int code() {
        return code;
    }

    /** Returns the flag for a wire code, or {@code null} when the code is unknown. */
    public static Flag of(int code) {
        for (Flag f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        return null;
    }

    /** Returns the 4-byte big-endian payload for this flag. */
    public byte[] payload() {
        return new byte[] {(byte) (code >>> 24), (byte) (code >>> 16), (byte) (code >>> 8), (byte) code};
    }

    /**
     * Parses a flag payload.
     *
     * @throws MalformedMessageException if the payload is not 4 bytes
     */
    public static int parseCode(byte[] payload) throws MalformedMessageException {
        if (payload.length != 4) {
            throw new MalformedMessageException("flag payload must be 4 bytes, got " + payload.length);
        }
        return ((payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8)
                | (payload[3] & 0xff);
    }
}
