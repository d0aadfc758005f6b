// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the SSH data types of RFC 4251 §5 (byte, boolean, uint32, uint64, string, mpint,
 * name-list) on {@link ByteBuf}s.
 *
 * <h2>Bounds</h2>
 * Every length read from the wire is checked against the bytes that are readable before anything is
 * allocated, so a hostile length costs nothing. A short or malformed field throws
 * {@link SshProtocolException}.
 *
 * <h2>Reference counting</h2>
 * The methods never retain or release the buffers they are given.
 */
public final class SshWire {

    /**
     * Caps a name-list at 64 KiB of text: the longest list a real peer sends (OpenSSH 10 KEXINIT lists) is
     * about 1 KiB, and the whole packet is capped at 256 KiB anyway.
     */
    public static final int MAX_NAME_LIST_BYTES = 64 * 1024;

    private SshWire() {
    }

    /** Writes a boolean as one byte, 0 or 1 (RFC 4251 §5). */
    public static void writeBoolean(ByteBuf out, boolean value) {
        out.writeByte(value ? 1 : 0);
    }

    /** Reads a boolean; any non-zero byte is true (RFC 4251 §5). */
    public static boolean readBoolean(ByteBuf in) throws SshProtocolException {
        need(in, 1, "boolean");
        return in.readByte() != 0;
    }

    /** Reads one byte as an unsigned value. */
    public static int readByte(ByteBuf in) throws SshProtocolException {
        need(in, 1, "byte");
        return in.readUnsignedByte();
    }

    /** Writes a uint32 in network byte order (RFC 4251 §5). */
    public static void writeUint32(ByteBuf out, long value) {
        out.writeInt((int) value);
    }

    /** Reads a uint32 as a non-negative long (RFC 4251 §5). */
    public static long readUint32(ByteBuf in) throws SshProtocolException {
        need(in, 4, "uint32");
        return in.readUnsignedInt();
    }

    /** Reads a uint64 (RFC 4251 §5) as a Java long (two's complement for values ≥ 2^63). */
    public static long readUint64(ByteBuf in) throws SshProtocolException {
        need(in, 8, "uint64");
        return in.readLong();
    }

    /** Writes a string of raw bytes: uint32 length then the bytes (RFC 4251 §5). */
    public static void writeString(ByteBuf out, byte[] value) {
        out.writeInt(value.length);
        out.writeBytes(value);
    }

    /** Writes a UTF-8 text string (RFC 4251 §5). */
    public static void writeString(ByteBuf out, String value) {
        writeString(out, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a string of raw bytes; its length must fit the readable bytes. */
    public static byte[] readBytes(ByteBuf in) throws SshProtocolException {
        int length = readLength(in, "string");
        byte[] value = new byte[length];
        in.readBytes(value);
        return value;
    }

    /** Reads a UTF-8 text string; malformed UTF-8 is replaced, never thrown (the text is only displayed). */
    public static String readString(ByteBuf in) throws SshProtocolException {
        int length = readLength(in, "string");
        String value = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return value;
    }

    /**
     * Reads a US-ASCII string as used for algorithm, service, request and channel-type names (RFC 4251 §6: names
     * are printable US-ASCII). A byte outside that range is a protocol error: decoding it as ASCII would replace
     * it, so the name we act on would not be the name the peer sent.
     */
    public static String readAsciiString(ByteBuf in) throws SshProtocolException {
        int length = readLength(in, "string");
        for (int i = in.readerIndex(), end = i + length; i < end; i++) {
            byte b = in.getByte(i);
            if (b < 0x20 || b > 0x7e) {
                throw new SshProtocolException("control or non-ASCII byte in a name");
            }
        }
        String value = in.toString(in.readerIndex(), length, StandardCharsets.US_ASCII);
        in.skipBytes(length);
        return value;
    }

    /**
     * Writes a multiple-precision integer in two's complement, minimal length (RFC 4251 §5): zero is the
     * empty string, a positive number whose top bit is set gets a leading zero byte.
     */
    public static void writeMpint(ByteBuf out, BigInteger value) {
        if (value.signum() == 0) {
            out.writeInt(0);
            return;
        }
        writeString(out, value.toByteArray());
    }

    /**
     * Writes the unsigned big-endian number {@code magnitude} as an mpint (RFC 4251 §5), stripping leading
     * zeros and adding one zero byte where the top bit is set; used for shared secrets (RFC 8731 §3.1).
     */
    public static void writeUnsignedMpint(ByteBuf out, byte[] magnitude) {
        int start = 0;
        while (start < magnitude.length && magnitude[start] == 0) {
            start++;
        }
        int length = magnitude.length - start;
        if (length == 0) {
            out.writeInt(0);
            return;
        }
        boolean pad = (magnitude[start] & 0x80) != 0;
        out.writeInt(length + (pad ? 1 : 0));
        if (pad) {
            out.writeByte(0);
        }
        out.writeBytes(magnitude, start, length);
    }

    /**
     * Reads an mpint (RFC 4251 §5). Non-minimal encodings are accepted: the RFC forbids sending them, not
     * receiving them.
     */
    public static BigInteger readMpint(ByteBuf in) throws SshProtocolException {
        byte[] bytes = readBytes(in);
        return bytes.length == 0 ? BigInteger.ZERO : new BigInteger(bytes);
    }

    /** Writes a name-list: comma-separated US-ASCII names in a string (RFC 4251 §5). */
    public static void writeNameList(ByteBuf out, List<String> names) {
        writeString(out, String.join(",", names).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Reads a name-list (RFC 4251 §5). An empty string is the empty list. Empty names, non-ASCII or control
     * characters and lists longer than {@link #MAX_NAME_LIST_BYTES} are refused.
     */
    public static List<String> readNameList(ByteBuf in) throws SshProtocolException {
        int length = readLength(in, "name-list");
        if (length > MAX_NAME_LIST_BYTES) {
            throw new SshProtocolException("name-list of " + length + " bytes exceeds " + MAX_NAME_LIST_BYTES);
        }
        List<String> names = new ArrayList<>();
        if (length == 0) {
            return names;
        }
        int start = in.readerIndex();
        int end = start + length;
        int nameStart = start;
        for (int i = start; i <= end; i++) {
            if (i == end || in.getByte(i) == ',') {
                if (i == nameStart) {
                    throw new SshProtocolException("empty name in name-list");
                }
                names.add(in.toString(nameStart, i - nameStart, StandardCharsets.US_ASCII));
                nameStart = i + 1;
            } else {
                byte b = in.getByte(i);
                if (b <= 0x20 || b >= 0x7f) {
                    throw new SshProtocolException("control or non-ASCII byte in name-list");
                }
            }
        }
        in.readerIndex(end);
        return names;
    }

    /** Fails unless the buffer has no unread bytes; used where a message must end. */
    public static void requireEnd(ByteBuf in, String what) throws SshProtocolException {
        if (in.isReadable()) {
            throw new SshProtocolException(in.readableBytes() + " trailing bytes after " + what);
        }
    }

    private static int readLength(ByteBuf in, String what) throws SshProtocolException {
        need(in, 4, what + " length");
        long length = in.readUnsignedInt();
        if (length > in.readableBytes()) {
            throw new SshProtocolException(what + " length " + length + " exceeds the " + in.readableBytes()
                    + " bytes left in the packet");
        }
        return (int) length;
    }

    private static void need(ByteBuf in, int bytes, String what) throws SshProtocolException {
        if (in.readableBytes() < bytes) {
            throw new SshProtocolException("truncated " + what);
        }
    }
}
