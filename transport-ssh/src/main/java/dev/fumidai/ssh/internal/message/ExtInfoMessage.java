// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Is SSH_MSG_EXT_INFO (RFC 8308 §2.3): extension names and values, such as {@code server-sig-algs}.
 * Values are kept as bytes; they are name-lists for the extensions we use.
 */
public record ExtInfoMessage(Map<String, byte[]> extensions) {

    /** Caps the number of extensions, as OpenSSH does (security-checklist T4: at most 1024). */
    public static final int MAX_EXTENSIONS = 1024;

    public ExtInfoMessage {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        extensions.forEach((k, v) -> copy.put(k, v.clone()));
        extensions = java.util.Collections.unmodifiableMap(copy);
    }

    /** Returns the value of an extension, or {@code null}. */
    public byte[] value(String name) {
        byte[] v = extensions.get(name);
        return v == null ? null : v.clone();
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(SshMessageNumbers.EXT_INFO);
        SshWire.writeUint32(out, extensions.size());
        extensions.forEach((k, v) -> {
            SshWire.writeString(out, k);
            SshWire.writeString(out, v);
        });
    }

    /** Reads the message; more than {@link #MAX_EXTENSIONS} entries or a repeated name are refused. */
    public static ExtInfoMessage decode(ByteBuf in) throws SshProtocolException {
        Messages.expect(in, SshMessageNumbers.EXT_INFO, "SSH_MSG_EXT_INFO");
        long count = SshWire.readUint32(in);
        if (count > MAX_EXTENSIONS) {
            throw new SshProtocolException("EXT_INFO with " + count + " extensions exceeds " + MAX_EXTENSIONS);
        }
        Map<String, byte[]> map = new LinkedHashMap<>();
        for (long i = 0; i < count; i++) {
            String name = SshWire.readAsciiString(in);
            byte[] value = SshWire.readBytes(in);
            if (map.put(name, value) != null) {
                throw new SshProtocolException("EXT_INFO names extension " + name + " twice");
            }
        }
        return new ExtInfoMessage(map);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ExtInfoMessage other) || other.extensions.size() != extensions.size()) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : extensions.entrySet()) {
            if (!Arrays.equals(e.getValue(), other.extensions.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return extensions.keySet().hashCode();
    }
}
