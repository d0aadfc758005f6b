package dev.fumidai.ssh.internal.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.math.BigInteger;
import java.util.List;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class SshWireProperties {

    @Property
    void uint32RoundTrips(@ForAll long value) {
        long v = value & 0xffffffffL;
        roundTrip(b -> SshWire.writeUint32(b, v), b -> assertEquals(v, SshWire.readUint32(b)));
    }

    @Property
    void booleanRoundTrips(@ForAll boolean value) {
        roundTrip(b -> SshWire.writeBoolean(b, value), b -> assertEquals(value, SshWire.readBoolean(b)));
    }

    @Property
    void stringRoundTrips(@ForAll @Size(max = 300) byte[] value) {
        roundTrip(b -> SshWire.writeString(b, value), b -> assertArrayEquals(value, SshWire.readBytes(b)));
    }

    @Property
    void textRoundTrips(@ForAll String value) {
        roundTrip(b -> SshWire.writeString(b, value), b -> assertEquals(value, SshWire.readString(b)));
    }

    @Property
    void mpintRoundTrips(@ForAll BigInteger value) {
        roundTrip(b -> SshWire.writeMpint(b, value), b -> assertEquals(value, SshWire.readMpint(b)));
    }

    @Property
    void unsignedMpintEqualsMpintOfMagnitude(@ForAll @Size(max = 40) byte[] magnitude) {
        ByteBuf a = Unpooled.buffer();
        ByteBuf b = Unpooled.buffer();
        try {
            SshWire.writeUnsignedMpint(a, magnitude);
            SshWire.writeMpint(b, new BigInteger(1, magnitude));
            assertEquals(ByteBufUtil.hexDump(b), ByteBufUtil.hexDump(a));
        } finally {
            a.release();
            b.release();
        }
    }

    @Property
    void nameListRoundTrips(@ForAll("nameLists") List<String> names) {
        roundTrip(b -> SshWire.writeNameList(b, names), b -> assertEquals(names, SshWire.readNameList(b)));
    }

    @Provide
    Arbitrary<List<String>> nameLists() {
        return Arbitraries.strings().withCharRange('!', '~').excludeChars(',').ofMinLength(1).ofMaxLength(40)
                .list().ofMaxSize(20);
    }

    /** RFC 4251 §5 gives these mpint encodings as examples. */
    @Example
    void mpintMatchesRfc4251Examples() {
        assertEquals("00000000", hex(b -> SshWire.writeMpint(b, BigInteger.ZERO)));
        assertEquals("0000000809a378f9b2e332a7",
                hex(b -> SshWire.writeMpint(b, new BigInteger("9a378f9b2e332a7", 16))));
        assertEquals("000000020080", hex(b -> SshWire.writeMpint(b, BigInteger.valueOf(0x80))));
        assertEquals("00000002edcc", hex(b -> SshWire.writeMpint(b, BigInteger.valueOf(-0x1234))));
        assertEquals("00000005ff21524111",
                hex(b -> SshWire.writeMpint(b, new BigInteger("-deadbeef", 16))));
    }

    @Example
    void lengthBeyondReadableBytesIsRefusedWithoutAllocating() {
        ByteBuf b = Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeByte(1);
        try {
            assertThrows(SshProtocolException.class, () -> SshWire.readBytes(b));
        } finally {
            b.release();
        }
    }

    @Example
    void emptyNamesAndControlCharactersAreRefused() {
        for (String bad : List.of("a,,b", ",a", "a,", "a b", "a\u0001")) {
            ByteBuf b = Unpooled.buffer();
            try {
                SshWire.writeString(b, bad.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                assertThrows(SshProtocolException.class, () -> SshWire.readNameList(b), bad);
            } finally {
                b.release();
            }
        }
    }

    interface Reader {
        void read(ByteBuf b) throws Exception;
    }

    static void roundTrip(Consumer<ByteBuf> writer, Reader reader) {
        ByteBuf b = Unpooled.buffer();
        try {
            writer.accept(b);
            reader.read(b);
            assertEquals(0, b.readableBytes());
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            b.release();
        }
    }

    static String hex(Consumer<ByteBuf> writer) {
        ByteBuf b = Unpooled.buffer();
        try {
            writer.accept(b);
            return ByteBufUtil.hexDump(b);
        } finally {
            b.release();
        }
    }
}
