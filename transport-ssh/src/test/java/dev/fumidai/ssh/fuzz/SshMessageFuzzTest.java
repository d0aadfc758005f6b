// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fumidai.ssh.internal.message.DebugMessage;
import dev.fumidai.ssh.internal.message.DisconnectMessage;
import dev.fumidai.ssh.internal.message.ExtInfoMessage;
import dev.fumidai.ssh.internal.message.IgnoreMessage;
import dev.fumidai.ssh.internal.message.KexDhGexGroupMessage;
import dev.fumidai.ssh.internal.message.KexDhGexInitMessage;
import dev.fumidai.ssh.internal.message.KexDhGexReplyMessage;
import dev.fumidai.ssh.internal.message.KexDhGexRequestMessage;
import dev.fumidai.ssh.internal.message.KexDhInitMessage;
import dev.fumidai.ssh.internal.message.KexDhReplyMessage;
import dev.fumidai.ssh.internal.message.KexEcdhInitMessage;
import dev.fumidai.ssh.internal.message.KexEcdhReplyMessage;
import dev.fumidai.ssh.internal.message.KexInitMessage;
import dev.fumidai.ssh.internal.message.NewKeysMessage;
import dev.fumidai.ssh.internal.message.ServiceAcceptMessage;
import dev.fumidai.ssh.internal.message.ServiceRequestMessage;
import dev.fumidai.ssh.internal.message.UnimplementedMessage;
import dev.fumidai.ssh.internal.connection.ChannelCloseMessage;
import dev.fumidai.ssh.internal.connection.ChannelDataMessage;
import dev.fumidai.ssh.internal.connection.ChannelEofMessage;
import dev.fumidai.ssh.internal.connection.ChannelExtendedDataMessage;
import dev.fumidai.ssh.internal.connection.ChannelFailureMessage;
import dev.fumidai.ssh.internal.connection.ChannelOpenConfirmationMessage;
import dev.fumidai.ssh.internal.connection.ChannelOpenDirectStreamlocalMessage;
import dev.fumidai.ssh.internal.connection.ChannelOpenDirectTcpipMessage;
import dev.fumidai.ssh.internal.connection.ChannelOpenFailureMessage;
import dev.fumidai.ssh.internal.connection.ChannelOpenMessage;
import dev.fumidai.ssh.internal.connection.ChannelOpenSessionMessage;
import dev.fumidai.ssh.internal.connection.ChannelRequestMessage;
import dev.fumidai.ssh.internal.connection.ChannelSuccessMessage;
import dev.fumidai.ssh.internal.connection.ChannelWindowAdjustMessage;
import dev.fumidai.ssh.internal.connection.GlobalRequestMessage;
import dev.fumidai.ssh.internal.connection.RequestFailureMessage;
import dev.fumidai.ssh.internal.connection.RequestSuccessMessage;
import dev.fumidai.ssh.internal.message.SshProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Feeds one SSH message payload (message number first, as the packet codec delivers it) to every message
 * decoder of the transport and connection layers. Contract: a decoder either returns a message or throws
 * {@link SshProtocolException}; a message it returns encodes to bytes that decode and encode to the same bytes
 * (decode(encode(m)) == m, compared on the wire form because the records hold arrays); typed views of channel
 * requests (exec command, exit status, exit signal) also fail only with {@link SshProtocolException}.
 */
class SshMessageFuzzTest {

    interface Decoder<T> {
        T decode(ByteBuf in) throws SshProtocolException;
    }

    record Codec<T>(String name, Decoder<T> decoder, BiConsumer<T, ByteBuf> encoder) {
    }

    static <T> Codec<T> codec(String name, Decoder<T> decoder, BiConsumer<T, ByteBuf> encoder) {
        return new Codec<>(name, decoder, encoder);
    }

    static final List<Codec<?>> CODECS = List.of(
            codec("ServiceRequestMessage", ServiceRequestMessage::decode, ServiceRequestMessage::encode),
            codec("NewKeysMessage", NewKeysMessage::decode, NewKeysMessage::encode),
            codec("KexDhGexGroupMessage", KexDhGexGroupMessage::decode, KexDhGexGroupMessage::encode),
            codec("ExtInfoMessage", ExtInfoMessage::decode, ExtInfoMessage::encode),
            codec("DebugMessage", DebugMessage::decode, DebugMessage::encode),
            codec("IgnoreMessage", IgnoreMessage::decode, IgnoreMessage::encode),
            codec("KexEcdhReplyMessage", KexEcdhReplyMessage::decode, KexEcdhReplyMessage::encode),
            codec("KexInitMessage", KexInitMessage::decode, KexInitMessage::encode),
            codec("DisconnectMessage", DisconnectMessage::decode, DisconnectMessage::encode),
            codec("UnimplementedMessage", UnimplementedMessage::decode, UnimplementedMessage::encode),
            codec("KexDhGexReplyMessage", KexDhGexReplyMessage::decode, KexDhGexReplyMessage::encode),
            codec("KexDhGexRequestMessage", KexDhGexRequestMessage::decode, KexDhGexRequestMessage::encode),
            codec("ServiceAcceptMessage", ServiceAcceptMessage::decode, ServiceAcceptMessage::encode),
            codec("KexDhReplyMessage", KexDhReplyMessage::decode, KexDhReplyMessage::encode),
            codec("KexDhGexInitMessage", KexDhGexInitMessage::decode, KexDhGexInitMessage::encode),
            codec("KexEcdhInitMessage", KexEcdhInitMessage::decode, KexEcdhInitMessage::encode),
            codec("KexDhInitMessage", KexDhInitMessage::decode, KexDhInitMessage::encode),
            codec("ChannelSuccessMessage", ChannelSuccessMessage::decode, ChannelSuccessMessage::encode),
            codec("ChannelOpenMessage", ChannelOpenMessage::decode, ChannelOpenMessage::encode),
            codec("ChannelOpenConfirmationMessage", ChannelOpenConfirmationMessage::decode, ChannelOpenConfirmationMessage::encode),
            codec("ChannelRequestMessage", ChannelRequestMessage::decode, ChannelRequestMessage::encode),
            codec("ChannelExtendedDataMessage", ChannelExtendedDataMessage::decode, ChannelExtendedDataMessage::encode),
            codec("RequestSuccessMessage", RequestSuccessMessage::decode, RequestSuccessMessage::encode),
            codec("ChannelOpenDirectStreamlocalMessage", ChannelOpenDirectStreamlocalMessage::decode, ChannelOpenDirectStreamlocalMessage::encode),
            codec("ChannelOpenSessionMessage", ChannelOpenSessionMessage::decode, ChannelOpenSessionMessage::encode),
            codec("ChannelOpenFailureMessage", ChannelOpenFailureMessage::decode, ChannelOpenFailureMessage::encode),
            codec("GlobalRequestMessage", GlobalRequestMessage::decode, GlobalRequestMessage::encode),
            codec("ChannelDataMessage", ChannelDataMessage::decode, ChannelDataMessage::encode),
            codec("ChannelOpenDirectTcpipMessage", ChannelOpenDirectTcpipMessage::decode, ChannelOpenDirectTcpipMessage::encode),
            codec("RequestFailureMessage", RequestFailureMessage::decode, RequestFailureMessage::encode),
            codec("ChannelEofMessage", ChannelEofMessage::decode, ChannelEofMessage::encode),
            codec("ChannelFailureMessage", ChannelFailureMessage::decode, ChannelFailureMessage::encode),
            codec("ChannelCloseMessage", ChannelCloseMessage::decode, ChannelCloseMessage::encode),
            codec("ChannelWindowAdjustMessage", ChannelWindowAdjustMessage::decode, ChannelWindowAdjustMessage::encode));

    @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
    void decodeEveryMessage(byte[] payload) throws Exception {
        for (Codec<?> c : CODECS) {
            check(c, payload);
        }
    }

    static <T> void check(Codec<T> codec, byte[] payload) throws SshProtocolException {
        T message;
        ByteBuf in = Unpooled.wrappedBuffer(payload);
        try {
            message = codec.decoder().decode(in);
        } catch (SshProtocolException e) {
            return;
        }
        if (message instanceof ChannelRequestMessage r) {
            typedViews(r);
        }
        byte[] once = encode(codec, message);
        T again = codec.decoder().decode(Unpooled.wrappedBuffer(once));
        assertArrayEquals(once, encode(codec, again), codec.name() + ": decode(encode(m)) differs from m");
    }

    static void typedViews(ChannelRequestMessage r) {
        try {
            switch (r.requestType()) {
                case "exec" -> r.execCommand();
                case "exit-status" -> r.exitStatusValue();
                case "exit-signal" -> r.exitSignalValue();
                default -> {
                }
            }
        } catch (SshProtocolException e) {
            // the documented failure
        }
    }

    static <T> byte[] encode(Codec<T> codec, T message) {
        ByteBuf out = Unpooled.buffer();
        try {
            codec.encoder().accept(message, out);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }
}
