// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.mux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class SmuxProperties {

    static Gen<SmuxFrame> frames() {
        return Gens.ints(0, 255).zip(Gens.ints(0, 255), Gens.longs(0, 0xffffffffL), Gens.bytes(0, 3000),
                SmuxFrame::new);
    }

    @Test
    void decodingDoesNotDependOnHowInputIsSplit() {
        PropertyCheck.forAll(1000, Gens.lists(frames(), 0, 20), Gens.longs(),
                SmuxProperties::decodingDoesNotDependOnHowInputIsSplit);
    }

    private static void decodingDoesNotDependOnHowInputIsSplit(List<SmuxFrame> frames, long seed) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        frames.forEach(f -> all.writeBytes(f.encode()));
        byte[] bytes = all.toByteArray();
        Random rnd = new Random(seed);
        SmuxFrameDecoder d = new SmuxFrameDecoder();
        List<SmuxFrame> out = new ArrayList<>();
        int i = 0;
        while (i < bytes.length) {
            int n = Math.min(bytes.length - i, rnd.nextInt(1 + rnd.nextInt(1025)) + 1);
            out.addAll(d.decode(bytes, i, n));
            i += n;
        }
        assertEquals(frames, out);
        assertEquals(0, d.pendingBytes());
    }

    /** Carries random data on many streams between a client and a server session through 1 KiB chunks. */
    @Test
    void streamsCarryTheirBytesIntactBetweenClientAndServer() {
        PropertyCheck.forAll(200, Gens.ints(1, 20), Gens.longs(),
                SmuxProperties::streamsCarryTheirBytesIntactBetweenClientAndServer);
    }

    private static void streamsCarryTheirBytesIntactBetweenClientAndServer(int streams, long seed)
            throws Exception {
        Random rnd = new Random(seed);
        ByteArrayOutputStream c2s = new ByteArrayOutputStream();
        ByteArrayOutputStream s2c = new ByteArrayOutputStream();
        Map<Long, ByteArrayOutputStream> atServer = new HashMap<>();
        Map<Long, ByteArrayOutputStream> atClient = new HashMap<>();
        List<Long> serverFin = new ArrayList<>();
        List<Long> clientFin = new ArrayList<>();
        SmuxSession[] server = new SmuxSession[1];
        SmuxSession client = new SmuxSession(SmuxSession.Role.CLIENT, SmuxConfig.defaults(false), c2s::writeBytes,
                collector(atClient, clientFin, null), 0);
        server[0] = new SmuxSession(SmuxSession.Role.SERVER, SmuxConfig.defaults(false), s2c::writeBytes,
                collector(atServer, serverFin, server), 0);

        Map<Long, byte[]> sentUp = new HashMap<>();
        for (int i = 0; i < streams; i++) {
            long id = client.openStream();
            // One stream in eight is empty: open and finish with no data in either direction.
            byte[] up = new byte[rnd.nextInt(8) == 0 ? 0 : rnd.nextInt(100_000)];
            rnd.nextBytes(up);
            sentUp.put(id, up);
            client.write(id, up, 0, up.length);
            client.finish(id);
        }
        pump(c2s, server[0], rnd);
        pump(s2c, client, rnd);
        for (Map.Entry<Long, byte[]> e : sentUp.entrySet()) {
            assertArrayEquals(e.getValue(), atServer.get(e.getKey()).toByteArray());
            // The server echoed the bytes back reversed-by-stream order; the client got them intact.
            // A stream the client opened has no entry at the client until data comes back: none for an empty one.
            assertArrayEquals(e.getValue(), atClient.getOrDefault(e.getKey(), new ByteArrayOutputStream()).toByteArray());
        }
        assertEquals(streams, serverFin.size());
        assertEquals(streams, clientFin.size());
        assertTrue(client.streamIds().isEmpty(), "FIN both ways forgets every client stream");
        assertTrue(server[0].streamIds().isEmpty(), "FIN both ways forgets every server stream");
    }

    /** Collects data per stream; when {@code echo} is set, writes every byte back and finishes on FIN. */
    private static SmuxSession.Listener collector(Map<Long, ByteArrayOutputStream> into, List<Long> fins,
            SmuxSession[] echo) {
        return new SmuxSession.Listener() {
            @Override
            public void streamOpened(long id) {
                into.put(id, new ByteArrayOutputStream());
            }

            @Override
            public void streamData(long id, byte[] data) {
                into.computeIfAbsent(id, k -> new ByteArrayOutputStream()).writeBytes(data);
                if (echo != null) {
                    echo[0].consumed(id, data.length);
                    echo[0].write(id, data, 0, data.length);
                }
            }

            @Override
            public void streamFinished(long id) {
                fins.add(id);
                if (echo != null) {
                    echo[0].finish(id);
                }
            }
        };
    }

    private static void pump(ByteArrayOutputStream wire, SmuxSession to, Random rnd) throws Exception {
        byte[] bytes = wire.toByteArray();
        wire.reset();
        for (int i = 0; i < bytes.length; ) {
            int n = Math.min(bytes.length - i, 1 + rnd.nextInt(1024)); // ≤ 1 KiB Output payloads (§9)
            to.receive(bytes, i, n, 0);
            i += n;
        }
    }
}
