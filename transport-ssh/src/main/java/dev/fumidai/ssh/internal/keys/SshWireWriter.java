// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Writes the SSH data types of RFC 4251 §5 into a growing byte array, for key blobs, signature blobs and
 * the data a certificate signature covers. Not thread-safe.
 */
final class SshWireWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Appends a {@code uint32}. */
    SshWireWriter uint32(long value) {
        out.write((int) (value >>> 24));
        out.write((int) (value >>> 16));
        out.write((int) (value >>> 8));
        out.write((int) value);
        return this;
    }

    /** Appends a {@code uint64}. */
    SshWireWriter uint64(long value) {
        uint32(value >>> 32);
        return uint32(value & 0xffffffffL);
    }

    /** Appends one byte. */
    SshWireWriter byteValue(int value) {
        out.write(value);
        return this;
    }

    /** Appends a {@code string} of raw bytes. */
    SshWireWriter string(byte[] value) {
        uint32(value.length);
        out.write(value, 0, value.length);
        return this;
    }

    /** Appends a {@code string} holding UTF-8 text. */
    SshWireWriter string(String value) {
        return string(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Appends an {@code mpint} in the minimal two's-complement form RFC 4251 §5 requires. */
    SshWireWriter mpint(BigInteger value) {
        if (value.signum() == 0) {
            return uint32(0);
        }
        return string(value.toByteArray());
    }

    /** Appends raw bytes without a length. */
    SshWireWriter raw(byte[] value) {
        out.write(value, 0, value.length);
        return this;
    }

    /** Returns the bytes written so far. */
    byte[] toByteArray() {
        return out.toByteArray();
    }
}
