// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.math.BigInteger;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class SshWireProperties {

    /** Printable US-ASCII without the comma (RFC 4251 §5 name-list). */
    static final String NAME_CHARS = "!\"#$%&'()*+-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
            + "abcdefghijklmnopqrstuvwxyz{|}~";

    @Test
    void uint32RoundTrips() {
        PropertyCheck.forAll(1000, Gens.longs(), this::uint32RoundTrips);
    }

    private void uint32RoundTrips(long value) {
        long v = value & 0xffffffffL;
        roundTrip(b -> SshWire.writeUint32(b, v), b -> assertEquals(v, SshWire.readUint32(b)));
    }

    @Test
    void booleanRoundTrips() {
        PropertyCheck.forAll(1000, Gens.booleans(), this::booleanRoundTrips);
    }

    private void booleanRoundTrips(boolean value) {
        roundTrip(b -> SshWire.writeBoolean(b, value), b -> assertEquals(value, SshWire.readBoolean(b)));
    }

    @Test
    void stringRoundTrips() {
        PropertyCheck.forAll(1000, Gens.bytes(0, 300), this::stringRoundTrips);
    }

    private void stringRoundTrips(byte[] value) {
        roundTrip(b -> SshWire.writeString(b, value), b -> assertArrayEquals(value, SshWire.readBytes(b)));
    }

    @Test
    void textRoundTrips() {
        PropertyCheck.forAll(1000, Gens.strings(), this::textRoundTrips);
    }

    private void textRoundTrips(String value) {
        roundTrip(b -> SshWire.writeString(b, value), b -> assertEquals(value, SshWire.readString(b)));
    }

    @Test
    void mpintRoundTrips() {
        PropertyCheck.forAll(1000, Gens.bigIntegers(), this::mpintRoundTrips);
    }

    private void mpintRoundTrips(BigInteger value) {
        roundTrip(b -> SshWire.writeMpint(b, value), b -> assertEquals(value, SshWire.readMpint(b)));
    }

    @Test
    void unsignedMpintEqualsMpintOfMagnitude() {
        PropertyCheck.forAll(1000, Gens.bytes(0, 40), this::unsignedMpintEqualsMpintOfMagnitude);
    }

    private void unsignedMpintEqualsMpintOfMagnitude(byte[] magnitude) {
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

    @Test
    void nameListRoundTrips() {
        PropertyCheck.forAll(1000, nameLists(), this::nameListRoundTrips);
    }

    private void nameListRoundTrips(List<String> names) {
        roundTrip(b -> SshWire.writeNameList(b, names), b -> assertEquals(names, SshWire.readNameList(b)));
    }

    static Gen<List<String>> nameLists() {
        return Gens.lists(Gens.strings(Gens.charsOf(NAME_CHARS), 1, 40), 0, 20);
    }

    /** RFC 4251 §5 gives these mpint encodings as examples. */
    @Test
    void mpintMatchesRfc4251Examples() {
        assertEquals("00000000", hex(b -> SshWire.writeMpint(b, BigInteger.ZERO)));
        assertEquals("0000000809a378f9b2e332a7",
                hex(b -> SshWire.writeMpint(b, new BigInteger("9a378f9b2e332a7", 16))));
        assertEquals("000000020080", hex(b -> SshWire.writeMpint(b, BigInteger.valueOf(0x80))));
        assertEquals("00000002edcc", hex(b -> SshWire.writeMpint(b, BigInteger.valueOf(-0x1234))));
        assertEquals("00000005ff21524111",
                hex(b -> SshWire.writeMpint(b, new BigInteger("-deadbeef", 16))));
    }

    @Test
    void lengthBeyondReadableBytesIsRefusedWithoutAllocating() {
        ByteBuf b = Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeByte(1);
        try {
            assertThrows(SshProtocolException.class, () -> SshWire.readBytes(b));
        } finally {
            b.release();
        }
    }

    @Test
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
