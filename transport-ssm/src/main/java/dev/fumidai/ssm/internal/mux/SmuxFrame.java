// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.mux;

import java.util.Arrays;
import java.util.Objects;

/**
 * Holds one smux frame (SSM spec §8.4, smux {@code frame.go}): an 8-byte header of version (1 byte), command
 * (1 byte), length (uint16 little-endian) and stream id (uint32 little-endian), then {@code length} data bytes.
 *
 * <p>The data array is owned by the record once built. {@link #toString()} shows sizes, never data.
 *
 * @param version the protocol version, 1 for the reference ends
 * @param cmd the command, one of the {@code CMD_*} constants
 * @param streamId the stream id, 0 for NOP
 * @param data the data of a PSH or UPD frame, empty otherwise
 */
public record SmuxFrame(int version, int cmd, long streamId, byte[] data) {

    /** Opens a stream. */
    public static final int CMD_SYN = 0;
    /** Closes a stream: the sender writes no more (reads end after buffered data). */
    public static final int CMD_FIN = 1;
    /** Carries stream data. */
    public static final int CMD_PSH = 2;
    /** Keeps the session alive; stream id 0. */
    public static final int CMD_NOP = 3;
    /** Updates the per-stream window; smux v2 only, 8-byte body (consumed, window; uint32 LE each). */
    public static final int CMD_UPD = 4;

    /** Is the header size in bytes. */
    public static final int HEADER_SIZE = 8;
    /** Is the largest data length the 16-bit length field can carry. */
    public static final int MAX_DATA = 0xffff;

    public SmuxFrame {
        Objects.requireNonNull(data, "data");
        if (version < 0 || version > 0xff || cmd < 0 || cmd > 0xff) {
            throw new IllegalArgumentException("version and cmd are single bytes");
        }
        if (streamId < 0 || streamId > 0xffffffffL) {
            throw new IllegalArgumentException("stream id is a uint32: " + streamId);
        }
        if (data.length > MAX_DATA) {
            throw new IllegalArgumentException("frame data longer than " + MAX_DATA + ": " + data.length);
        }
    }

    /** Returns the name of a command for messages and logs. */
    public static String cmdName(int cmd) {
        switch (cmd) {
            case CMD_SYN:
                return "SYN";
            case CMD_FIN:
                return "FIN";
            case CMD_PSH:
                return "PSH";
            case CMD_NOP:
                return "NOP";
            case CMD_UPD:
                return "UPD";
            default:
                return "cmd" + cmd;
        }
    }

    /** Returns the encoded frame: header then data. */
    public byte[] encode() {
        byte[] out = new byte[HEADER_SIZE + data.length];
        out[0] = (byte) version;
        out[1] = (byte) cmd;
        out[2] = (byte) data.length;
        out[3] = (byte) (data.length >>> 8);
        out[4] = (byte) streamId;
        out[5] = (byte) (streamId >>> 8);
        out[6] = (byte) (streamId >>> 16);
        out[7] = (byte) (streamId >>> 24);
        System.arraycopy(data, 0, out, HEADER_SIZE, data.length);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SmuxFrame && ((SmuxFrame) o).version == version && ((SmuxFrame) o).cmd == cmd
                && ((SmuxFrame) o).streamId == streamId && Arrays.equals(((SmuxFrame) o).data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, cmd, streamId) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SmuxFrame[v" + version + " " + cmdName(cmd) + " stream=" + streamId + " length=" + data.length + "]";
    }
}
