// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fumidai.ssm.fake.FakeFaults;
import dev.fumidai.ssm.fake.FakeSsmService;
import dev.fumidai.ssm.internal.datachannel.ClientMessageCodec;
import dev.fumidai.ssm.internal.datachannel.MalformedMessageException;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Decodes every byte the fake service writes on its data-channel websockets while it drops, duplicates and
 * reorders messages under load, and checks each is a whole websocket frame (RFC 6455 §5.2) whose binary payload
 * is a whole data-channel message with a good digest (SSM spec §4). A frame header followed by other frames
 * before its own payload, as the fake once wrote, fails here. Tiny write-buffer water marks make the
 * connection flip writability on nearly every write, as a slow reader (the real plugin) does.
 */
@Timeout(300)
class FakeWireFramingTest {

    /**
     * Are high water marks that a connection crosses on the small header write of a 1 KiB Output frame (Netty
     * writes such a frame as a header buffer and a payload buffer; each entry counts its bytes plus 96 bytes of
     * overhead, so a frame counts about 1,340) while earlier flushes are still pending in the flush-consolidation
     * handler, which then flushes at once; the drained socket turns writable again inside the header's write.
     */
    private static final int[] HIGH_WATER_MARKS = {1340 * 4 + 20, 1340 * 8 + 50, 64 * 1024};

    private EventLoopGroup group;
    private Channel echo;

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        echo = TestPeers.echoServer(group);
    }

    @AfterEach
    void stop() throws Exception {
        echo.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void everyFrameIsWholeUnderDrop() throws Exception {
        runAndCheck(f -> f.dropOutbound(0.2));
    }

    @Test
    void everyFrameIsWholeUnderDuplicate() throws Exception {
        runAndCheck(f -> f.duplicateOutbound(0.2));
    }

    @Test
    void everyFrameIsWholeUnderReorder() throws Exception {
        runAndCheck(f -> f.reorderOutbound(0.1));
    }

    @Test
    void everyFrameIsWholeUnderDropDuplicateAndReorder() throws Exception {
        runAndCheck(f -> f.dropOutbound(0.2).duplicateOutbound(0.2).reorderOutbound(0.1).dropInbound(0.05));
    }

    private void runAndCheck(Consumer<FakeFaults> faults) throws Exception {
        int frames = 0;
        for (long seed = 1; seed <= 3; seed++) {
            FakeFaults f = new FakeFaults().seed(seed);
            faults.accept(f);
            try (FakeSsmService fake = FakeSsmService.builder().faults(f).wireTap(true)
                    .writeBufferWaterMark(1, HIGH_WATER_MARKS[(int) seed - 1]).start()) {
                URI ep = fake.endpoint();
                SessionCredentials creds = TestPeers.startSession(ep, "AWS-StartPortForwardingSession",
                        Map.of("portNumber", String.valueOf(TestPeers.port(echo))));
                SsmDataChannel dc = SsmDataChannel.open(group.next(), creds,
                        DataChannelConfig.defaults("ssm hop \"framing\"").withInsecurePlaintextWebSocketForTesting(), id -> TestPeers.resume(ep, id))
                        .get(20, TimeUnit.SECONDS);
                try {
                    echo(dc, 512 * 1024, seed);
                } finally {
                    dc.close();
                    try {
                        dc.closeFuture().get(5, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException ignored) {
                        // closing is all that matters here
                    }
                }
                fake.faults().none();
                for (byte[] conn : fake.wireLog()) {
                    frames += checkFrames(conn, "seed " + seed);
                }
            }
        }
        assertTrue(frames > 1000, "frames decoded: " + frames);
    }

    private static void echo(SsmDataChannel dc, long size, long seed) throws Exception {
        Channel s = dc.openStream().get(10, TimeUnit.SECONDS);
        TestPeers.Collector c = new TestPeers.Collector();
        s.pipeline().addLast(c);
        s.config().setAutoRead(true);
        Pump p = Pump.start(s, size, seed);
        byte[] sent = p.done.get(200, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(200);
        while (c.bytes < size && System.nanoTime() < deadline && s.isActive()) {
            Thread.sleep(10);
        }
        assertEquals(size, c.bytes, "bytes echoed");
        assertArrayEquals(sent, c.digest.digest());
        s.close().sync();
    }

    /** Parses one connection's bytes; returns how many frames it held, or fails naming the first broken one. */
    static int checkFrames(byte[] wire, String what) {
        return checkFrames(wire, what, op -> { });
    }

    /** Parses one connection's bytes as {@link #checkFrames(byte[], String)}, telling each frame's opcode. */
    static int checkFrames(byte[] wire, String what, java.util.function.IntConsumer opcodes) {
        return checkFrames(wire, what, opcodes, m -> { });
    }

    /** Parses one connection's bytes as above, also handing over each binary frame's decoded message in order. */
    static int checkFrames(byte[] wire, String what, java.util.function.IntConsumer opcodes,
            java.util.function.Consumer<dev.fumidai.ssm.internal.datachannel.ClientMessage> messages) {
        String head = new String(wire, 0, Math.min(wire.length, 40), StandardCharsets.ISO_8859_1);
        if (!head.startsWith("HTTP/1.1 101")) {
            return 0; // a control-plane connection
        }
        int pos = indexOf(wire, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)) + 4;
        int n = 0;
        while (pos < wire.length) {
            int start = pos;
            if (wire.length - pos < 2) {
                fail(what + ": " + (wire.length - pos) + " stray bytes at offset " + pos);
            }
            int b0 = wire[pos++] & 0xff;
            int b1 = wire[pos++] & 0xff;
            int opcode = b0 & 0x0f;
            if ((b0 & 0x80) == 0 || (b0 & 0x70) != 0 || (b1 & 0x80) != 0) {
                fail(what + ": frame " + n + " at offset " + start + " has a bad first bytes " + b0 + " " + b1);
            }
            long len = b1 & 0x7f;
            if (len == 126) {
                len = ((wire[pos] & 0xff) << 8) | (wire[pos + 1] & 0xff);
                pos += 2;
            } else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | (wire[pos + i] & 0xff);
                }
                pos += 8;
            }
            if (len > wire.length - pos) {
                fail(what + ": frame " + n + " at offset " + start + " claims " + len + " bytes, "
                        + (wire.length - pos) + " remain");
            }
            byte[] payload = Arrays.copyOfRange(wire, pos, pos + (int) len);
            pos += (int) len;
            opcodes.accept(opcode);
            switch (opcode) {
                case 0x2:
                    try {
                        messages.accept(ClientMessageCodec.decode(payload));
                    } catch (MalformedMessageException e) {
                        fail(what + ": frame " + n + " at offset " + start + " is no whole message: "
                                + e.getMessage());
                    }
                    break;
                case 0x8:
                case 0x9:
                case 0xA:
                    break;
                default:
                    fail(what + ": frame " + n + " at offset " + start + " has opcode " + opcode);
            }
            n++;
        }
        return n;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void theCheckerFindsAHeaderWhosePayloadComesAfterAnotherFrame() {
        byte[] http = "HTTP/1.1 101 Switching Protocols\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] ping = {(byte) 0x89, 0};
        byte[] header = {(byte) 0x82, 126, 0x04, 0x00};
        byte[] wire = new byte[http.length + header.length + ping.length + 1024];
        System.arraycopy(http, 0, wire, 0, http.length);
        System.arraycopy(header, 0, wire, http.length, header.length);
        System.arraycopy(ping, 0, wire, http.length + header.length, ping.length);
        AssertionErrorHolder h = new AssertionErrorHolder();
        try {
            checkFrames(wire, "interleaved");
        } catch (AssertionError e) {
            h.error = e;
        }
        assertTrue(h.error != null && h.error.getMessage().contains("no whole message"), String.valueOf(h.error));
    }

    private static final class AssertionErrorHolder {
        AssertionError error;
    }
}
