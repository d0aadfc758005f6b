// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.mux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmuxSessionTest {

    static final class Recorder implements SmuxSession.Listener {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();

        @Override
        public void streamOpened(long id) {
            events.add("open " + id);
        }

        @Override
        public void streamData(long id, byte[] d) {
            events.add("data " + id + " " + d.length);
            data.writeBytes(d);
        }

        @Override
        public void streamFinished(long id) {
            events.add("fin " + id);
        }
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    private final Recorder rec = new Recorder();

    private SmuxSession client(SmuxConfig config) {
        return new SmuxSession(SmuxSession.Role.CLIENT, config, wire::writeBytes, rec, 0);
    }

    @Test
    void writesTheSpecExamplesAndNumbersClientStreamsFromThree() {
        SmuxSession s = client(SmuxConfig.defaults(false));
        assertEquals(3, s.openStream());
        s.write(3, "hi".getBytes(StandardCharsets.US_ASCII), 0, 2);
        s.finish(3);
        assertEquals("0100000003000000" + "010202000300000068 69".replace(" ", "") + "0101000003000000",
                HexFormat.of().formatHex(wire.toByteArray()));
        assertEquals(5, s.openStream());
        assertEquals(7, s.openStream());
        assertEquals("01 03 00 00 00 00 00 00".replace(" ", ""),
                HexFormat.of().formatHex(new SmuxFrame(1, SmuxFrame.CMD_NOP, 0, new byte[0]).encode()));
    }

    @Test
    void serverNumbersStreamsEvenFromTwo() {
        SmuxSession s = new SmuxSession(SmuxSession.Role.SERVER, SmuxConfig.defaults(false), wire::writeBytes, rec,
                0);
        assertEquals(2, s.openStream());
        assertEquals(4, s.openStream());
    }

    @Test
    void cutsLargeWritesIntoFramesOfAtMost32KiB() {
        SmuxSession s = client(SmuxConfig.defaults(false));
        long id = s.openStream();
        wire.reset();
        s.write(id, new byte[70_000], 0, 70_000);
        List<SmuxFrame> frames = new SmuxFrameDecoder().decode(wire.toByteArray());
        assertEquals(List.of(32768, 32768, 4464), frames.stream().map(f -> f.data().length).toList());
    }

    @Test
    void deliversDataAndFinAndForgetsAStreamWhenFinWentBothWays() throws Exception {
        SmuxSession s = client(SmuxConfig.defaults(false));
        long id = s.openStream();
        s.receive(hex("01 02 03 00 03 00 00 00 61 62 63 01 01 00 00 03 00 00 00"), 0, 19, 1);
        assertEquals(List.of("data 3 3", "fin 3"), rec.events);
        assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), rec.data.toByteArray());
        assertTrue(s.isOpen(id), "still open for writing after the peer's FIN");
        assertEquals(3, s.unconsumed());
        s.finish(id);
        assertFalse(s.isOpen(id));
        assertEquals(0, s.unconsumed(), "a forgotten stream returns its unconsumed bytes");
    }

    @Test
    void ignoresDataForUnknownStreamsAndSynForKnownOnes() throws Exception {
        SmuxSession s = client(SmuxConfig.defaults(false));
        s.openStream();
        s.receive(hex("01 02 01 00 09 00 00 00 7a"), 0, 9, 1);
        s.receive(hex("01 01 00 00 09 00 00 00"), 0, 8, 1);
        s.receive(hex("01 00 00 00 03 00 00 00"), 0, 8, 1);
        assertEquals(List.of(), rec.events);
        s.receive(hex("01 00 00 00 04 00 00 00"), 0, 8, 1);
        assertEquals(List.of("open 4"), rec.events, "a peer-opened stream is reported");
    }

    @Test
    void aWrongVersionOrUnknownCommandKillsTheSession() throws Exception {
        SmuxSession s = client(SmuxConfig.defaults(false));
        s.openStream();
        SmuxProtocolException e = assertThrows(SmuxProtocolException.class,
                () -> s.receive(hex("02 02 01 00 03 00 00 00 7a"), 0, 9, 1));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
        assertTrue(s.isClosed());
        assertThrows(IllegalStateException.class, s::openStream);

        SmuxSession t = client(SmuxConfig.defaults(false));
        e = assertThrows(SmuxProtocolException.class, () -> t.receive(hex("01 09 00 00 03 00 00 00"), 0, 8, 1));
        assertTrue(e.getMessage().contains("unknown command 9"), e.getMessage());
    }

    @Test
    void receiveBudgetTracksUnconsumedBytes() throws Exception {
        SmuxConfig small = new SmuxConfig(1, 32768, 4, 16, false, 1, 1);
        SmuxSession s = client(small);
        long id = s.openStream();
        assertTrue(s.canReceive());
        s.receive(hex("01 02 04 00 03 00 00 00 01 02 03 04"), 0, 12, 1);
        assertFalse(s.canReceive());
        s.consumed(id, 1);
        assertTrue(s.canReceive());
        assertEquals(3, s.unconsumed());
    }

    @Test
    void boundsStreamsOpenedByEitherSide() throws Exception {
        SmuxConfig two = new SmuxConfig(1, 32768, 1 << 20, 2, false, 1, 1);
        SmuxSession s = client(two);
        s.openStream();
        s.openStream();
        assertThrows(IllegalStateException.class, s::openStream);
        wire.reset();
        s.receive(hex("01 00 00 00 04 00 00 00"), 0, 8, 1);
        assertEquals(List.of(), rec.events);
        assertEquals("0101000004000000", HexFormat.of().formatHex(wire.toByteArray()), "refused with FIN");
    }

    @Test
    void keepaliveSendsNopAndTimesOutOnlyWhenEnabled() throws Exception {
        long sec = 1_000_000_000L;
        SmuxSession off = client(SmuxConfig.defaults(false));
        off.tick(100 * sec);
        assertEquals(0, wire.size());
        assertEquals(Long.MAX_VALUE, off.nextTickNanos());

        SmuxSession on = client(SmuxConfig.defaults(true));
        on.tick(9 * sec);
        assertEquals(0, wire.size());
        on.tick(10 * sec);
        assertEquals("0103000000000000", HexFormat.of().formatHex(wire.toByteArray()));
        on.receive(hex("01 03 00 00 00 00 00 00"), 0, 8, 25 * sec);
        on.tick(54 * sec);
        SmuxProtocolException e = assertThrows(SmuxProtocolException.class, () -> on.tick(55 * sec));
        assertTrue(e.getMessage().contains("keepalive"));
        assertTrue(on.isClosed());
    }
}
