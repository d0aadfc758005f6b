// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Is SSH_MSG_KEXINIT (RFC 4253 §7.1): each side's algorithm lists. The encoded payload is kept because the
 * exchange hash covers it byte for byte ({@code I_C}, {@code I_S}, RFC 4253 §8).
 */
public record KexInitMessage(
        byte[] cookie,
        List<String> kexAlgorithms,
        List<String> serverHostKeyAlgorithms,
        List<String> encryptionClientToServer,
        List<String> encryptionServerToClient,
        List<String> macClientToServer,
        List<String> macServerToClient,
        List<String> compressionClientToServer,
        List<String> compressionServerToClient,
        List<String> languagesClientToServer,
        List<String> languagesServerToClient,
        boolean firstKexPacketFollows,
        long reserved) {

    /** Length of the random cookie (RFC 4253 §7.1). */
    public static final int COOKIE_LENGTH = 16;

    public KexInitMessage {
        if (cookie.length != COOKIE_LENGTH) {
            throw new IllegalArgumentException("cookie must be 16 bytes");
        }
        cookie = cookie.clone();
        kexAlgorithms = List.copyOf(kexAlgorithms);
        serverHostKeyAlgorithms = List.copyOf(serverHostKeyAlgorithms);
        encryptionClientToServer = List.copyOf(encryptionClientToServer);
        encryptionServerToClient = List.copyOf(encryptionServerToClient);
        macClientToServer = List.copyOf(macClientToServer);
        macServerToClient = List.copyOf(macServerToClient);
        compressionClientToServer = List.copyOf(compressionClientToServer);
        compressionServerToClient = List.copyOf(compressionServerToClient);
        languagesClientToServer = List.copyOf(languagesClientToServer);
        languagesServerToClient = List.copyOf(languagesServerToClient);
    }

    @Override
    public byte[] cookie() {
        return cookie.clone();
    }

    /** Writes the message, message number first. */
    public void encode(ByteBuf out) {
        out.writeByte(SshMessageNumbers.KEXINIT);
        out.writeBytes(cookie);
        SshWire.writeNameList(out, kexAlgorithms);
        SshWire.writeNameList(out, serverHostKeyAlgorithms);
        SshWire.writeNameList(out, encryptionClientToServer);
        SshWire.writeNameList(out, encryptionServerToClient);
        SshWire.writeNameList(out, macClientToServer);
        SshWire.writeNameList(out, macServerToClient);
        SshWire.writeNameList(out, compressionClientToServer);
        SshWire.writeNameList(out, compressionServerToClient);
        SshWire.writeNameList(out, languagesClientToServer);
        SshWire.writeNameList(out, languagesServerToClient);
        SshWire.writeBoolean(out, firstKexPacketFollows);
        SshWire.writeUint32(out, reserved);
    }

    /**
     * Reads the message, message number first. A non-zero reserved field is refused (RFC 4253 §7.1 says it
     * is 0; security-checklist T4).
     */
    public static KexInitMessage decode(ByteBuf in) throws SshProtocolException {
        Messages.expect(in, SshMessageNumbers.KEXINIT, "SSH_MSG_KEXINIT");
        if (in.readableBytes() < COOKIE_LENGTH) {
            throw new SshProtocolException("truncated KEXINIT cookie");
        }
        byte[] cookie = new byte[COOKIE_LENGTH];
        in.readBytes(cookie);
        KexInitMessage m = new KexInitMessage(cookie,
                SshWire.readNameList(in), SshWire.readNameList(in), SshWire.readNameList(in),
                SshWire.readNameList(in), SshWire.readNameList(in), SshWire.readNameList(in),
                SshWire.readNameList(in), SshWire.readNameList(in), SshWire.readNameList(in),
                SshWire.readNameList(in), SshWire.readBoolean(in), SshWire.readUint32(in));
        if (m.reserved() != 0) {
            throw new SshProtocolException("KEXINIT reserved field is " + m.reserved() + ", not 0 (RFC 4253 §7.1)");
        }
        // RFC 4253 §7.1 allows nothing after the reserved field, but OpenSSH tolerates trailing bytes; so do we.
        in.skipBytes(in.readableBytes());
        return m;
    }
}
