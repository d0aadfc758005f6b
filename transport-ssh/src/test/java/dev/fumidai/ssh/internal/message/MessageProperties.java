package dev.fumidai.ssh.internal.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

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

    @Provide
    Arbitrary<List<String>> names() {
        return Arbitraries.strings().withCharRange('!', '~').excludeChars(',').ofMinLength(1).ofMaxLength(30)
                .list().ofMaxSize(8);
    }

    @Property
    void kexInit(@ForAll @Size(16) byte[] cookie, @ForAll("names") List<String> a, @ForAll("names") List<String> b,
            @ForAll("names") List<String> c, @ForAll boolean follows) {
        KexInitMessage m = new KexInitMessage(cookie, a, b, c, c, a, b, List.of("none"), List.of("none"),
                List.of(), List.of(), follows, 0);
        assertRoundTrip(m::encode, KexInitMessage::decode, o -> ((KexInitMessage) ((Object[]) o)[0]).encode(buf(o)));
    }

    @Property
    void disconnect(@ForAll @IntRange(min = 1, max = 15) int reason, @ForAll String text) {
        DisconnectMessage m = new DisconnectMessage(reason, text, "en");
        assertRoundTrip(m::encode, DisconnectMessage::decode, o -> ((DisconnectMessage) first(o)).encode(buf(o)));
    }

    @Property
    void ignore(@ForAll @Size(max = 100) byte[] data) {
        IgnoreMessage m = new IgnoreMessage(data);
        assertRoundTrip(m::encode, IgnoreMessage::decode, o -> ((IgnoreMessage) first(o)).encode(buf(o)));
    }

    @Property
    void debug(@ForAll boolean display, @ForAll String text) {
        DebugMessage m = new DebugMessage(display, text, "");
        assertRoundTrip(m::encode, DebugMessage::decode, o -> ((DebugMessage) first(o)).encode(buf(o)));
    }

    @Property
    void unimplemented(@ForAll @IntRange(min = 0) int seq) {
        UnimplementedMessage m = new UnimplementedMessage(seq);
        assertRoundTrip(m::encode, UnimplementedMessage::decode, o -> ((UnimplementedMessage) first(o)).encode(buf(o)));
    }

    @Property
    void service(@ForAll("names") List<String> n) {
        String name = n.isEmpty() ? "ssh-userauth" : n.get(0);
        ServiceRequestMessage r = new ServiceRequestMessage(name);
        assertRoundTrip(r::encode, ServiceRequestMessage::decode, o -> ((ServiceRequestMessage) first(o)).encode(buf(o)));
        ServiceAcceptMessage a = new ServiceAcceptMessage(name);
        assertRoundTrip(a::encode, ServiceAcceptMessage::decode, o -> ((ServiceAcceptMessage) first(o)).encode(buf(o)));
    }

    @Property
    void extInfo(@ForAll("names") List<String> keys, @ForAll @Size(max = 50) byte[] value) {
        Map<String, byte[]> map = new java.util.LinkedHashMap<>();
        keys.forEach(k -> map.put(k, value));
        ExtInfoMessage m = new ExtInfoMessage(map);
        assertRoundTrip(m::encode, ExtInfoMessage::decode, o -> ((ExtInfoMessage) first(o)).encode(buf(o)));
    }

    @Property
    void ecdh(@ForAll @Size(max = 100) byte[] a, @ForAll @Size(max = 100) byte[] b, @ForAll @Size(max = 100) byte[] c) {
        KexEcdhInitMessage i = new KexEcdhInitMessage(a);
        assertRoundTrip(i::encode, KexEcdhInitMessage::decode, o -> ((KexEcdhInitMessage) first(o)).encode(buf(o)));
        KexEcdhReplyMessage r = new KexEcdhReplyMessage(a, b, c);
        assertRoundTrip(r::encode, KexEcdhReplyMessage::decode, o -> ((KexEcdhReplyMessage) first(o)).encode(buf(o)));
    }

    @Property
    void dh(@ForAll BigInteger e, @ForAll @Size(max = 100) byte[] a, @ForAll @Size(max = 100) byte[] c) {
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

    @Property
    void gexRequest(@ForAll @IntRange(min = 0) int min, @ForAll @IntRange(min = 0) int n, @ForAll @IntRange(min = 0) int max) {
        KexDhGexRequestMessage m = new KexDhGexRequestMessage(min, n, max);
        assertRoundTrip(m::encode, KexDhGexRequestMessage::decode, o -> ((KexDhGexRequestMessage) first(o)).encode(buf(o)));
    }

    @Example
    void newKeys() {
        NewKeysMessage m = new NewKeysMessage();
        assertRoundTrip(m::encode, NewKeysMessage::decode, o -> ((NewKeysMessage) first(o)).encode(buf(o)));
    }

    @Example
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

    @Example
    void wrongMessageNumberIsRefused() {
        ByteBuf b = Unpooled.buffer().writeByte(SshMessageNumbers.IGNORE).writeInt(0);
        try {
            assertThrows(SshProtocolException.class, () -> NewKeysMessage.decode(b));
        } finally {
            b.release();
        }
    }

    @Example
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
