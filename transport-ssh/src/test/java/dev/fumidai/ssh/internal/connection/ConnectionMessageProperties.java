// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

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

    static Gen<String> ascii() {
        return Gens.strings(Gens.charRange('!', '~', ""), 0, 40);
    }

    static Gen<String> text() {
        return Gens.strings(Gens.charRange(' ', '~', "äöü€日本"), 0, 60);
    }

    @Test
    void channelOpen() {
        PropertyCheck.forAll(1000, ascii(), Gens.ints(), Gens.longs(0, 0xFFFFFFFFL), Gens.longs(0, 0xFFFFFFFFL),
                Gens.bytes(0, 64), this::channelOpen);
    }

    private void channelOpen(String type, int sender, long window, long packet, byte[] data) {
        roundTrip(new ChannelOpenMessage(type, sender, window, packet, data)::encode, ChannelOpenMessage::decode,
                ChannelOpenMessage::encode);
    }

    @Test
    void directTcpip() {
        PropertyCheck.forAll(1000, Gens.ints(), Gens.longs(0, 0xFFFFFFFFL), Gens.longs(0, 0xFFFFFFFFL), text(),
                Gens.ints(0, 65535), text(), Gens.ints(), this::directTcpip);
    }

    private void directTcpip(int sender, long window, long packet, String host, int port, String origin,
            int originPort) {
        roundTrip(new ChannelOpenDirectTcpipMessage(sender, window, packet, host, port, origin, originPort)::encode,
                ChannelOpenDirectTcpipMessage::decode, ChannelOpenDirectTcpipMessage::encode);
    }

    @Test
    void directStreamlocal() {
        PropertyCheck.forAll(1000, Gens.ints(), Gens.longs(0, 0xFFFFFFFFL), Gens.longs(0, 0xFFFFFFFFL), text(),
                this::directStreamlocal);
    }

    private void directStreamlocal(int sender, long window, long packet, String path) {
        roundTrip(new ChannelOpenDirectStreamlocalMessage(sender, window, packet, path)::encode,
                ChannelOpenDirectStreamlocalMessage::decode, ChannelOpenDirectStreamlocalMessage::encode);
    }

    @Test
    void session() {
        PropertyCheck.forAll(1000, Gens.ints(), Gens.longs(0, 0xFFFFFFFFL), Gens.longs(0, 0xFFFFFFFFL), this::session);
    }

    private void session(int sender, long window, long packet) {
        roundTrip(new ChannelOpenSessionMessage(sender, window, packet)::encode, ChannelOpenSessionMessage::decode,
                ChannelOpenSessionMessage::encode);
    }

    @Test
    void openConfirmation() {
        PropertyCheck.forAll(1000, Gens.ints(), Gens.ints(), Gens.longs(0, 0xFFFFFFFFL), Gens.longs(0, 0xFFFFFFFFL),
                this::openConfirmation);
    }

    private void openConfirmation(int recipient, int sender, long window, long packet) {
        roundTrip(new ChannelOpenConfirmationMessage(recipient, sender, window, packet)::encode,
                ChannelOpenConfirmationMessage::decode, ChannelOpenConfirmationMessage::encode);
    }

    @Test
    void openFailure() {
        PropertyCheck.forAll(1000, Gens.ints(), Gens.ints(), text(), ascii(), this::openFailure);
    }

    private void openFailure(int recipient, int reason, String text, String language) {
        roundTrip(new ChannelOpenFailureMessage(recipient, reason, text, language)::encode,
                ChannelOpenFailureMessage::decode, ChannelOpenFailureMessage::encode);
    }

    @Test
    void windowAdjust() {
        PropertyCheck.forAll(1000, Gens.ints(), Gens.longs(0, 0xFFFFFFFFL), this::windowAdjust);
    }

    private void windowAdjust(int recipient, long bytes) {
        roundTrip(new ChannelWindowAdjustMessage(recipient, bytes)::encode, ChannelWindowAdjustMessage::decode,
                ChannelWindowAdjustMessage::encode);
    }

    @Test
    void data() {
        PropertyCheck.forAll(1000, Gens.ints(), Gens.bytes(0, 300), this::data);
    }

    private void data(int recipient, byte[] data) {
        roundTrip(new ChannelDataMessage(recipient, data)::encode, ChannelDataMessage::decode,
                ChannelDataMessage::encode);
    }

    @Test
    void extendedData() {
        PropertyCheck.forAll(1000, Gens.ints(), Gens.ints(), Gens.bytes(0, 300), this::extendedData);
    }

    private void extendedData(int recipient, int code, byte[] data) {
        roundTrip(new ChannelExtendedDataMessage(recipient, code, data)::encode, ChannelExtendedDataMessage::decode,
                ChannelExtendedDataMessage::encode);
    }

    @Test
    void eofCloseSuccessFailure() {
        PropertyCheck.forAll(1000, Gens.ints(), this::eofCloseSuccessFailure);
    }

    private void eofCloseSuccessFailure(int recipient) {
        roundTrip(new ChannelEofMessage(recipient)::encode, ChannelEofMessage::decode, ChannelEofMessage::encode);
        roundTrip(new ChannelCloseMessage(recipient)::encode, ChannelCloseMessage::decode, ChannelCloseMessage::encode);
        roundTrip(new ChannelSuccessMessage(recipient)::encode, ChannelSuccessMessage::decode,
                ChannelSuccessMessage::encode);
        roundTrip(new ChannelFailureMessage(recipient)::encode, ChannelFailureMessage::decode,
                ChannelFailureMessage::encode);
    }

    @Test
    void channelRequests() {
        PropertyCheck.forAll(1000, Gens.ints(), text(), Gens.ints(), ascii(), Gens.booleans(), text(),
                this::channelRequests);
    }

    private void channelRequests(int recipient, String command, int status, String signal, boolean core,
            String message) throws Exception {
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

    @Test
    void globalRequests() {
        PropertyCheck.forAll(1000, ascii(), Gens.booleans(), Gens.bytes(0, 64), this::globalRequests);
    }

    private void globalRequests(String name, boolean wantReply, byte[] data) {
        roundTrip(new GlobalRequestMessage(name, wantReply, data)::encode, GlobalRequestMessage::decode,
                GlobalRequestMessage::encode);
        roundTrip(new RequestSuccessMessage(data)::encode, RequestSuccessMessage::decode,
                RequestSuccessMessage::encode);
        roundTrip(new RequestFailureMessage()::encode, RequestFailureMessage::decode, RequestFailureMessage::encode);
    }
}
