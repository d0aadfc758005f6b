// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Is SSH_MSG_CHANNEL_REQUEST (RFC 4254 §5.4) with the type-specific data as raw bytes. Factories and readers
 * cover the requests this client sends or understands: {@code exec} (§6.5), {@code exit-status} and
 * {@code exit-signal} (§6.10).
 */
public record ChannelRequestMessage(int recipientChannel, String requestType, boolean wantReply,
        byte[] typeSpecificData) {

    public static final String EXEC = "exec";
    public static final String EXIT_STATUS = "exit-status";
    public static final String EXIT_SIGNAL = "exit-signal";

    public ChannelRequestMessage {
        Objects.requireNonNull(requestType, "requestType");
        typeSpecificData = typeSpecificData.clone();
    }

    @Override
    public byte[] typeSpecificData() {
        return typeSpecificData.clone();
    }

    /** Creates an {@code exec} request for {@code command} (RFC 4254 §6.5). */
    public static ChannelRequestMessage exec(int recipientChannel, boolean wantReply, String command) {
        ByteBuf b = Unpooled.buffer();
        SshWire.writeString(b, command);
        return new ChannelRequestMessage(recipientChannel, EXEC, wantReply, bytes(b));
    }

    /** Creates an {@code exit-status} request (RFC 4254 §6.10); want-reply is false. */
    public static ChannelRequestMessage exitStatus(int recipientChannel, int status) {
        ByteBuf b = Unpooled.buffer();
        b.writeInt(status);
        return new ChannelRequestMessage(recipientChannel, EXIT_STATUS, false, bytes(b));
    }

    /** Creates an {@code exit-signal} request (RFC 4254 §6.10); the signal name is without "SIG". */
    public static ChannelRequestMessage exitSignal(int recipientChannel, String signalName, boolean coreDumped,
            String errorMessage, String languageTag) {
        ByteBuf b = Unpooled.buffer();
        SshWire.writeString(b, signalName);
        SshWire.writeBoolean(b, coreDumped);
        SshWire.writeString(b, errorMessage);
        SshWire.writeString(b, languageTag);
        return new ChannelRequestMessage(recipientChannel, EXIT_SIGNAL, false, bytes(b));
    }

    /** Reads the command of an {@code exec} request. */
    public String execCommand() throws SshProtocolException {
        ByteBuf d = Unpooled.wrappedBuffer(typeSpecificData);
        byte[] command = SshWire.readBytes(d);
        SshWire.requireEnd(d, "exec request");
        return new String(command, StandardCharsets.UTF_8);
    }

    /** Reads the exit status of an {@code exit-status} request. */
    public int exitStatusValue() throws SshProtocolException {
        ByteBuf d = Unpooled.wrappedBuffer(typeSpecificData);
        int status = (int) SshWire.readUint32(d);
        SshWire.requireEnd(d, "exit-status request");
        return status;
    }

    /** Reads an {@code exit-signal} request; a missing language tag is tolerated. */
    public ExitStatus exitSignalValue() throws SshProtocolException {
        ByteBuf d = Unpooled.wrappedBuffer(typeSpecificData);
        String signal = SshWire.readAsciiString(d);
        boolean core = SshWire.readBoolean(d);
        String message = SshWire.readString(d);
        if (d.isReadable()) {
            SshWire.readString(d);
        }
        return ExitStatus.signal(signal, core, message);
    }

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(ConnectionMessageNumbers.CHANNEL_REQUEST);
        out.writeInt(recipientChannel);
        SshWire.writeString(out, requestType);
        SshWire.writeBoolean(out, wantReply);
        out.writeBytes(typeSpecificData);
    }

    /** Reads the message; everything after want-reply is the type-specific data. */
    public static ChannelRequestMessage decode(ByteBuf in) throws SshProtocolException {
        ConnectionMessageNumbers.expect(in, ConnectionMessageNumbers.CHANNEL_REQUEST, "SSH_MSG_CHANNEL_REQUEST");
        int recipient = (int) SshWire.readUint32(in);
        String type = SshWire.readAsciiString(in);
        boolean wantReply = SshWire.readBoolean(in);
        byte[] data = new byte[in.readableBytes()];
        in.readBytes(data);
        return new ChannelRequestMessage(recipient, type, wantReply, data);
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }
}
