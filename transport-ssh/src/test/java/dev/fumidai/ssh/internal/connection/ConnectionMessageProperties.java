package dev.fumidai.ssh.internal.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** Checks that every connection message record (RFC 4254) decodes what it encodes, byte for byte. */
class ConnectionMessageProperties {

    interface Decoder<T> {
        T decode(ByteBuf in) throws SshProtocolException;
    }

    /** Encodes, decodes, encodes again and compares the bytes; the whole payload must be consumed. */
    static <T> void roundTrip(Consumer<ByteBuf> encode, Decoder<T> decoder, BiConsumer<T, ByteBuf> reencode) {
        ByteBuf first = Unpooled.buffer();
        ByteBuf second = Unpooled.buffer();
        try {
            encode.accept(first);
            String expected = ByteBufUtil.hexDump(first);
            T decoded = decoder.decode(first);
            assertEquals(0, first.readableBytes(), "whole payload consumed");
            reencode.accept(decoded, second);
            assertEquals(expected, ByteBufUtil.hexDump(second));
        } catch (SshProtocolException e) {
            throw new AssertionError(e);
        } finally {
            first.release();
            second.release();
        }
    }

    @Provide
    Arbitrary<String> ascii() {
        return Arbitraries.strings().withCharRange('!', '~').ofMaxLength(40);
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings().withCharRange(' ', '~').withChars("äöü€日本").ofMaxLength(60);
    }

    @Property
    void channelOpen(@ForAll("ascii") String type, @ForAll int sender, @ForAll @LongRange(max = 0xFFFFFFFFL) long window,
            @ForAll @LongRange(max = 0xFFFFFFFFL) long packet, @ForAll @Size(max = 64) byte[] data) {
        roundTrip(new ChannelOpenMessage(type, sender, window, packet, data)::encode, ChannelOpenMessage::decode,
                ChannelOpenMessage::encode);
    }

    @Property
    void directTcpip(@ForAll int sender, @ForAll @LongRange(max = 0xFFFFFFFFL) long window,
            @ForAll @LongRange(max = 0xFFFFFFFFL) long packet, @ForAll("text") String host,
            @ForAll @IntRange(max = 65535) int port, @ForAll("text") String origin, @ForAll int originPort) {
        roundTrip(new ChannelOpenDirectTcpipMessage(sender, window, packet, host, port, origin, originPort)::encode,
                ChannelOpenDirectTcpipMessage::decode, ChannelOpenDirectTcpipMessage::encode);
    }

    @Property
    void directStreamlocal(@ForAll int sender, @ForAll @LongRange(max = 0xFFFFFFFFL) long window,
            @ForAll @LongRange(max = 0xFFFFFFFFL) long packet, @ForAll("text") String path) {
        roundTrip(new ChannelOpenDirectStreamlocalMessage(sender, window, packet, path)::encode,
                ChannelOpenDirectStreamlocalMessage::decode, ChannelOpenDirectStreamlocalMessage::encode);
    }

    @Property
    void session(@ForAll int sender, @ForAll @LongRange(max = 0xFFFFFFFFL) long window,
            @ForAll @LongRange(max = 0xFFFFFFFFL) long packet) {
        roundTrip(new ChannelOpenSessionMessage(sender, window, packet)::encode, ChannelOpenSessionMessage::decode,
                ChannelOpenSessionMessage::encode);
    }

    @Property
    void openConfirmation(@ForAll int recipient, @ForAll int sender, @ForAll @LongRange(max = 0xFFFFFFFFL) long window,
            @ForAll @LongRange(max = 0xFFFFFFFFL) long packet) {
        roundTrip(new ChannelOpenConfirmationMessage(recipient, sender, window, packet)::encode,
                ChannelOpenConfirmationMessage::decode, ChannelOpenConfirmationMessage::encode);
    }

    @Property
    void openFailure(@ForAll int recipient, @ForAll int reason, @ForAll("text") String text,
            @ForAll("ascii") String language) {
        roundTrip(new ChannelOpenFailureMessage(recipient, reason, text, language)::encode,
                ChannelOpenFailureMessage::decode, ChannelOpenFailureMessage::encode);
    }

    @Property
    void windowAdjust(@ForAll int recipient, @ForAll @LongRange(max = 0xFFFFFFFFL) long bytes) {
        roundTrip(new ChannelWindowAdjustMessage(recipient, bytes)::encode, ChannelWindowAdjustMessage::decode,
                ChannelWindowAdjustMessage::encode);
    }

    @Property
    void data(@ForAll int recipient, @ForAll @Size(max = 300) byte[] data) {
        roundTrip(new ChannelDataMessage(recipient, data)::encode, ChannelDataMessage::decode,
                ChannelDataMessage::encode);
    }

    @Property
    void extendedData(@ForAll int recipient, @ForAll int code, @ForAll @Size(max = 300) byte[] data) {
        roundTrip(new ChannelExtendedDataMessage(recipient, code, data)::encode, ChannelExtendedDataMessage::decode,
                ChannelExtendedDataMessage::encode);
    }

    @Property
    void eofCloseSuccessFailure(@ForAll int recipient) {
        roundTrip(new ChannelEofMessage(recipient)::encode, ChannelEofMessage::decode, ChannelEofMessage::encode);
        roundTrip(new ChannelCloseMessage(recipient)::encode, ChannelCloseMessage::decode, ChannelCloseMessage::encode);
        roundTrip(new ChannelSuccessMessage(recipient)::encode, ChannelSuccessMessage::decode,
                ChannelSuccessMessage::encode);
        roundTrip(new ChannelFailureMessage(recipient)::encode, ChannelFailureMessage::decode,
                ChannelFailureMessage::encode);
    }

    @Property
    void channelRequests(@ForAll int recipient, @ForAll("text") String command, @ForAll int status,
            @ForAll("ascii") String signal, @ForAll boolean core, @ForAll("text") String message) throws Exception {
        ChannelRequestMessage exec = ChannelRequestMessage.exec(recipient, true, command);
        roundTrip(exec::encode, ChannelRequestMessage::decode, ChannelRequestMessage::encode);
        assertEquals(command, exec.execCommand());
        ChannelRequestMessage exit = ChannelRequestMessage.exitStatus(recipient, status);
        roundTrip(exit::encode, ChannelRequestMessage::decode, ChannelRequestMessage::encode);
        assertEquals(status, exit.exitStatusValue());
        ChannelRequestMessage sig = ChannelRequestMessage.exitSignal(recipient, signal, core, message, "");
        roundTrip(sig::encode, ChannelRequestMessage::decode, ChannelRequestMessage::encode);
        assertEquals(ExitStatus.signal(signal, core, message), sig.exitSignalValue());
    }

    @Property
    void globalRequests(@ForAll("ascii") String name, @ForAll boolean wantReply, @ForAll @Size(max = 64) byte[] data) {
        roundTrip(new GlobalRequestMessage(name, wantReply, data)::encode, GlobalRequestMessage::decode,
                GlobalRequestMessage::encode);
        roundTrip(new RequestSuccessMessage(data)::encode, RequestSuccessMessage::decode,
                RequestSuccessMessage::encode);
        roundTrip(new RequestFailureMessage()::encode, RequestFailureMessage::decode, RequestFailureMessage::encode);
    }
}
