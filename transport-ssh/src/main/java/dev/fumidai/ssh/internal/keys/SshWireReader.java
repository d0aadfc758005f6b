// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the SSH data types of RFC 4251 §5 ({@code uint32}, {@code uint64}, {@code string}, {@code mpint},
 * {@code boolean}) from a byte array holding a key, certificate or signature.
 *
 * <p>Every length is checked against the bytes that remain, so a hostile length never allocates more than
 * the input holds. Not thread-safe: one reader per parse.
 */
final class SshWireReader {

    private final byte[] data;
    private int position;
    private final int limit;

    SshWireReader(byte[] data) {
        this(data, 0, data.length);
    }

    SshWireReader(byte[] data, int offset, int length) {
        this.data = data;
        this.position = offset;
        this.limit = offset + length;
    }

    /** Returns how many bytes are left to read. */
    int remaining() {
        return limit - position;
    }

    /** Returns the current read offset in the underlying array. */
    int position() {
        return position;
    }

    /** Reads one byte as an unsigned value. */
    int readByte() throws InvalidSshKeyException {
        need(1);
        return data[position++] & 0xff;
    }

    /** Reads a {@code boolean} (RFC 4251 §5): any non-zero byte is true. */
    boolean readBoolean() throws InvalidSshKeyException {
        return readByte() != 0;
    }

    /** Reads a {@code uint32} (RFC 4251 §5) into a long so that values above 2^31 stay positive. */
    long readUint32() throws InvalidSshKeyException {
        need(4);
        long v = ((data[position] & 0xffL) << 24) | ((data[position + 1] & 0xffL) << 16)
                | ((data[position + 2] & 0xffL) << 8) | (data[position + 3] & 0xffL);
        position += 4;
        return v;
    }

    /** Reads a {@code uint64} (RFC 4251 §5); values above 2^63 come back negative, as Java longs do. */
    long readUint64() throws InvalidSshKeyException {
        long high = readUint32();
        long low = readUint32();
        return (high << 32) | low;
    }

    /** Reads a {@code string} (RFC 4251 §5) as raw bytes. */
    byte[] readString() throws InvalidSshKeyException {
        int length = readLength();
        byte[] out = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return out;
    }

    /** Reads a {@code string} and returns a reader over its contents without copying. */
    SshWireReader readStringAsReader() throws InvalidSshKeyException {
        int length = readLength();
        SshWireReader inner = new SshWireReader(data, position, length);
        position += length;
        return inner;
    }

    /** Reads a {@code string} holding UTF-8 text. */
    String readUtf8() throws InvalidSshKeyException {
        return new String(readString(), StandardCharsets.UTF_8);
    }

    /** Reads a {@code string} holding US-ASCII text such as an algorithm name. */
    String readAscii() throws InvalidSshKeyException {
        byte[] raw = readString();
        for (byte b : raw) {
            if (b < 0x20 || b > 0x7e) {
                throw new InvalidSshKeyException("non-printable byte in an SSH name");
            }
        }
        return new String(raw, StandardCharsets.US_ASCII);
    }

    /** Reads an {@code mpint} (RFC 4251 §5) that must not be negative. */
    BigInteger readPositiveMpint() throws InvalidSshKeyException {
        byte[] raw = readString();
        if (raw.length == 0) {
            return BigInteger.ZERO;
        }
        if ((raw[0] & 0x80) != 0) {
            throw new InvalidSshKeyException("negative mpint where a positive one is required");
        }
        return new BigInteger(1, raw);
    }

    /** Skips {@code count} bytes. */
    void skip(int count) throws InvalidSshKeyException {
        need(count);
        position += count;
    }

    /** Reads {@code count} raw bytes. */
    byte[] readBytes(int count) throws InvalidSshKeyException {
        need(count);
        byte[] out = Arrays.copyOfRange(data, position, position + count);
        position += count;
        return out;
    }

    /** Fails unless every byte was read: trailing data in a key or signature is a format error. */
    void requireEnd(String what) throws InvalidSshKeyException {
        if (position != limit) {
            throw new InvalidSshKeyException(remaining() + " trailing bytes after " + what);
        }
    }

    private int readLength() throws InvalidSshKeyException {
        long length = readUint32();
        if (length > remaining()) {
            throw new InvalidSshKeyException("string length " + length + " exceeds the " + remaining()
                    + " bytes left");
        }
        return (int) length;
    }

    private void need(int count) throws InvalidSshKeyException {
        if (count < 0 || count > remaining()) {
            throw new InvalidSshKeyException("truncated: needed " + count + " bytes, " + remaining() + " left");
        }
    }
}
