// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Checks that every transport message record decodes what it encodes, byte for byte. */
class MessageProperties {

    interface Decoder {
        Object decode(ByteBuf in) throws SshProtocolException;
    }

    /** Encodes, decodes, encodes again and compares the bytes; the whole payload must be consumed. */
    static void assertRoundTrip(Consumer<ByteBuf> encode, Decoder decoder, Consumer<Object> reencode) {
        ByteBuf first = Unpooled.buffer();
        ByteBuf second = Unpooled.buffer();
        try {
            encode.accept(first);
            String expected = ByteBufUtil.hexDump(first);
            Object decoded = decoder.decode(first);
            assertEquals(0, first.readableBytes(), "whole payload consumed");
            reencode.accept(new Object[] {decoded, second});
            assertEquals(expected, ByteBufUtil.hexDump(second));
        } catch (SshProtocolException e) {
            throw new AssertionError(e);
        } finally {
            first.release();
            second.release();
        }
    }

    static Gen<List<String>> names() {
        return Gens.lists(Gens.strings(Gens.charsOf(SshWireProperties.NAME_CHARS), 1, 30), 0, 8);
    }

    @Test
    void kexInit() {
        PropertyCheck.forAll(1000, Gens.bytes(16, 16), names(), names(), names(), Gens.booleans(), this::kexInit);
    }

    private void kexInit(byte[] cookie, List<String> a, List<String> b, List<String> c, boolean follows) {
        KexInitMessage m = new KexInitMessage(cookie, a, b, c, c, a, b, List.of("none"), List.of("none"),
                List.of(), List.of(), follows, 0);
        assertRoundTrip(m::encode, KexInitMessage::decode, o -> ((KexInitMessage) ((Object[]) o)[0]).encode(buf(o)));
    }

    @Test
    void disconnect() {
        PropertyCheck.forAll(1000, Gens.ints(1, 15), Gens.strings(), this::disconnect);
    }

    private void disconnect(int reason, String text) {
        DisconnectMessage m = new DisconnectMessage(reason, text, "en");
        assertRoundTrip(m::encode, DisconnectMessage::decode, o -> ((DisconnectMessage) first(o)).encode(buf(o)));
    }

    @Test
    void ignore() {
        PropertyCheck.forAll(1000, Gens.bytes(0, 100), this::ignore);
    }

    private void ignore(byte[] data) {
        IgnoreMessage m = new IgnoreMessage(data);
        assertRoundTrip(m::encode, IgnoreMessage::decode, o -> ((IgnoreMessage) first(o)).encode(buf(o)));
    }

    @Test
    void debug() {
        PropertyCheck.forAll(1000, Gens.booleans(), Gens.strings(), this::debug);
    }

    private void debug(boolean display, String text) {
        DebugMessage m = new DebugMessage(display, text, "");
        assertRoundTrip(m::encode, DebugMessage::decode, o -> ((DebugMessage) first(o)).encode(buf(o)));
    }

    @Test
    void unimplemented() {
        PropertyCheck.forAll(1000, Gens.ints(0, Integer.MAX_VALUE), this::unimplemented);
    }

    private void unimplemented(int seq) {
        UnimplementedMessage m = new UnimplementedMessage(seq);
        assertRoundTrip(m::encode, UnimplementedMessage::decode, o -> ((UnimplementedMessage) first(o)).encode(buf(o)));
    }

    @Test
    void service() {
        PropertyCheck.forAll(1000, names(), this::service);
    }

    private void service(List<String> n) {
        String name = n.isEmpty() ? "ssh-userauth" : n.get(0);
        ServiceRequestMessage r = new ServiceRequestMessage(name);
        assertRoundTrip(r::encode, ServiceRequestMessage::decode, o -> ((ServiceRequestMessage) first(o)).encode(buf(o)));
        ServiceAcceptMessage a = new ServiceAcceptMessage(name);
        assertRoundTrip(a::encode, ServiceAcceptMessage::decode, o -> ((ServiceAcceptMessage) first(o)).encode(buf(o)));
    }

    @Test
    void extInfo() {
        PropertyCheck.forAll(1000, names(), Gens.bytes(0, 50), this::extInfo);
    }

    private void extInfo(List<String> keys, byte[] value) {
        Map<String, byte[]> map = new java.util.LinkedHashMap<>();
        keys.forEach(k -> map.put(k, value));
        ExtInfoMessage m = new ExtInfoMessage(map);
        assertRoundTrip(m::encode, ExtInfoMessage::decode, o -> ((ExtInfoMessage) first(o)).encode(buf(o)));
    }

    @Test
    void ecdh() {
        PropertyCheck.forAll(1000, Gens.bytes(0, 100), Gens.bytes(0, 100), Gens.bytes(0, 100), this::ecdh);
    }

    private void ecdh(byte[] a, byte[] b, byte[] c) {
        KexEcdhInitMessage i = new KexEcdhInitMessage(a);
        assertRoundTrip(i::encode, KexEcdhInitMessage::decode, o -> ((KexEcdhInitMessage) first(o)).encode(buf(o)));
        KexEcdhReplyMessage r = new KexEcdhReplyMessage(a, b, c);
        assertRoundTrip(r::encode, KexEcdhReplyMessage::decode, o -> ((KexEcdhReplyMessage) first(o)).encode(buf(o)));
    }

    @Test
    void dh() {
        PropertyCheck.forAll(1000, Gens.bigIntegers(), Gens.bytes(0, 100), Gens.bytes(0, 100), this::dh);
    }

    private void dh(BigInteger e, byte[] a, byte[] c) {
        KexDhInitMessage i = new KexDhInitMessage(e);
        assertRoundTrip(i::encode, KexDhInitMessage::decode, o -> ((KexDhInitMessage) first(o)).encode(buf(o)));
        KexDhReplyMessage r = new KexDhReplyMessage(a, e, c);
        assertRoundTrip(r::encode, KexDhReplyMessage::decode, o -> ((KexDhReplyMessage) first(o)).encode(buf(o)));
        KexDhGexInitMessage gi = new KexDhGexInitMessage(e);
        assertRoundTrip(gi::encode, KexDhGexInitMessage::decode, o -> ((KexDhGexInitMessage) first(o)).encode(buf(o)));
        KexDhGexReplyMessage gr = new KexDhGexReplyMessage(a, e, c);
        assertRoundTrip(gr::encode, KexDhGexReplyMessage::decode, o -> ((KexDhGexReplyMessage) first(o)).encode(buf(o)));
        KexDhGexGroupMessage g = new KexDhGexGroupMessage(e, e.negate());
        assertRoundTrip(g::encode, KexDhGexGroupMessage::decode, o -> ((KexDhGexGroupMessage) first(o)).encode(buf(o)));
    }

    @Test
    void gexRequest() {
        PropertyCheck.forAll(1000, Gens.ints(0, Integer.MAX_VALUE), Gens.ints(0, Integer.MAX_VALUE),
                Gens.ints(0, Integer.MAX_VALUE), this::gexRequest);
    }

    private void gexRequest(int min, int n, int max) {
        KexDhGexRequestMessage m = new KexDhGexRequestMessage(min, n, max);
        assertRoundTrip(m::encode, KexDhGexRequestMessage::decode, o -> ((KexDhGexRequestMessage) first(o)).encode(buf(o)));
    }

    @Test
    void newKeys() {
        NewKeysMessage m = new NewKeysMessage();
        assertRoundTrip(m::encode, NewKeysMessage::decode, o -> ((NewKeysMessage) first(o)).encode(buf(o)));
    }

    @Test
    void kexInitWithNonZeroReservedFieldIsRefused() {
        KexInitMessage m = new KexInitMessage(new byte[16], List.of("a"), List.of("b"), List.of("c"), List.of("c"),
                List.of("d"), List.of("d"), List.of("none"), List.of("none"), List.of(), List.of(), false, 7);
        ByteBuf b = Unpooled.buffer();
        try {
            m.encode(b);
            SshProtocolException e = assertThrows(SshProtocolException.class, () -> KexInitMessage.decode(b));
            assertEquals("KEXINIT reserved field is 7, not 0 (RFC 4253 §7.1)", e.getMessage());
        } finally {
            b.release();
        }
    }

    @Test
    void wrongMessageNumberIsRefused() {
        ByteBuf b = Unpooled.buffer().writeByte(SshMessageNumbers.IGNORE).writeInt(0);
        try {
            assertThrows(SshProtocolException.class, () -> NewKeysMessage.decode(b));
        } finally {
            b.release();
        }
    }

    @Test
    void extInfoWithTooManyEntriesIsRefused() {
        ByteBuf b = Unpooled.buffer().writeByte(SshMessageNumbers.EXT_INFO).writeInt(1025);
        try {
            assertThrows(SshProtocolException.class, () -> ExtInfoMessage.decode(b));
        } finally {
            b.release();
        }
    }

    private static Object first(Object o) {
        return ((Object[]) o)[0];
    }

    private static ByteBuf buf(Object o) {
        return (ByteBuf) ((Object[]) o)[1];
    }
}
