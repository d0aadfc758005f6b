// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.spi.StreamChannels;
import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Checks the RFC 4254 §5.2 window rules of {@link SshChannel} for random windows, writes and reads. */
class ChannelWindowProperties {

    static final String WHERE = "ssh hop \"prop\" 127.0.0.1:22";

    /** Opens a channel on a fresh embedded connection and confirms it. */
    static SshChannel open(EmbeddedChannel wire, SshConnection connection, long window, long packet) throws Exception {
        CompletableFuture<Channel> f = connection.openDirectTcpip("t", 1, "127.0.0.1", 1);
        wire.runPendingTasks();
        ByteBuf open = wire.readOutbound();
        int id = ChannelOpenDirectTcpipMessage.decode(open).senderChannel();
        open.release();
        ByteBuf confirm = Unpooled.buffer();
        new ChannelOpenConfirmationMessage(id, 7, window, packet).encode(confirm);
        wire.writeInbound(confirm);
        return (SshChannel) f.get();
    }

    @Test
    void neverSendsBeyondThePeersWindow() {
        PropertyCheck.forAll(100, Gens.ints(0, 5000), Gens.ints(1, 70000), Gens.lists(Gens.ints(0, 9000), 0, 20),
                Gens.lists(Gens.ints(0, 9000), 0, 20), this::neverSendsBeyondThePeersWindow);
    }

    private void neverSendsBeyondThePeersWindow(int initialWindow, int peerPacket, List<Integer> writes,
            List<Integer> adjusts) throws Exception {
        EmbeddedChannel wire = new EmbeddedChannel();
        try {
            SshConnection connection = SshConnection.install(wire, SshConnectionConfig.defaults(WHERE));
            SshChannel ch = open(wire, connection, initialWindow, peerPacket);
            int packet = Math.min(peerPacket, SshConnectionConfig.DEFAULT_MAX_PACKET);
            long granted = initialWindow;
            long written = 0;
            long sent = 0;
            for (int i = 0; i < Math.max(writes.size(), adjusts.size()); i++) {
                if (i < writes.size()) {
                    ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[writes.get(i)]));
                    written += writes.get(i);
                }
                sent += drain(wire, packet);
                assertTrue(sent <= granted, "sent " + sent + " > window " + granted);
                if (i < adjusts.size()) {
                    ByteBuf adjust = Unpooled.buffer();
                    new ChannelWindowAdjustMessage(ch.localId(), adjusts.get(i)).encode(adjust);
                    wire.writeInbound(adjust);
                    granted += adjusts.get(i);
                }
                sent += drain(wire, packet);
                assertTrue(sent <= granted, "sent " + sent + " > window " + granted);
            }
            // Everything the window allows has gone out; the rest waits.
            assertEquals(Math.min(written, granted), sent);
            assertEquals(written > sent, !ch.unsafe().outboundBuffer().isEmpty());
        } finally {
            wire.finishAndReleaseAll();
        }
    }

    private static long drain(EmbeddedChannel wire, int packet) throws Exception {
        wire.runPendingTasks();
        long n = 0;
        ByteBuf b;
        while ((b = wire.readOutbound()) != null) {
            try {
                int len = ChannelDataMessage.decode(b).data().length;
                assertTrue(len > 0 && len <= packet, "data message of " + len + " bytes, packet size " + packet);
                n += len;
            } finally {
                b.release();
            }
        }
        return n;
    }

    /**
     * Checks that a peer honouring our window never breaks the connection, that what the reader has not read
     * stays within one window, the one the channel has at that time (a slow consumer keeps the heap bounded), and
     * that every byte arrives in order. The clock moves 7 ms a step, so the window may grow where the reader keeps up.
     */
    @Test
    void slowReaderHoldsAtMostOneWindow() {
        PropertyCheck.forAll(100, Gens.ints(64, 4096), Gens.lists(Gens.ints(1, 700), 0, 60),
                Gens.lists(Gens.booleans(), 0, 60), this::slowReaderHoldsAtMostOneWindow);
    }

    private void slowReaderHoldsAtMostOneWindow(int window, List<Integer> chunks,
            List<Boolean> readAfter) throws Exception {
        EmbeddedChannel wire = new EmbeddedChannel();
        try {
            SshConnectionConfig config = SshConnectionConfig.defaults(WHERE).withInitialWindowSize(window)
                    .withMaxPacketSize(512);
            AtomicLong clock = new AtomicLong();
            SshConnection connection = SshConnection.install(wire, config, clock::get);
            SshChannel ch = open(wire, connection, 1000, 1000);
            long[] received = {0};
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    while (b.isReadable()) {
                        assertEquals((byte) received[0]++, b.readByte(), "bytes in order");
                    }
                    b.release();
                }
            });
            StreamChannels.release(ch);
            long peerWindow = window;
            long next = 0;
            for (int i = 0; i < chunks.size(); i++) {
                clock.addAndGet(7_000_000);
                int n = (int) Math.min(Math.min(chunks.get(i), peerWindow), 512);
                if (n > 0) {
                    byte[] data = new byte[n];
                    for (int k = 0; k < n; k++) {
                        data[k] = (byte) next++;
                    }
                    ByteBuf m = Unpooled.buffer();
                    new ChannelDataMessage(ch.localId(), data).encode(m);
                    wire.writeInbound(m);
                    peerWindow -= n;
                }
                if (i < readAfter.size() && readAfter.get(i)) {
                    ch.read();
                }
                wire.runPendingTasks();
                ByteBuf b;
                while ((b = wire.readOutbound()) != null) {
                    peerWindow += ChannelWindowAdjustMessage.decode(b).bytesToAdd();
                    b.release();
                }
                assertTrue(wire.isOpen(), "an honest peer broke the connection");
                assertTrue(next - received[0] <= ch.window(), "unread " + (next - received[0]) + " > window "
                        + ch.window());
                assertEquals(peerWindow, ch.localWindow());
                assertTrue(peerWindow + ch.queuedInboundBytes() <= ch.window());
                assertTrue(ch.window() >= window && ch.window() <= config.windowCap());
            }
            ch.config().setAutoRead(true);
            assertEquals(next, received[0]);
        } finally {
            wire.finishAndReleaseAll();
        }
    }

    /**
     * Issue #14: the receive window grows only while the reader keeps up. For random windows, caps, packet sizes,
     * peer bursts and clock steps: the peer never gets credit beyond what we advertised (the connection stays
     * open, and its credit is exactly our {@code localWindow}), the window never falls below the initial one (it
     * shrinks back only to what the round-trip samples show the path needs) and never passes the cap,
     * unread data stays within the window; and a reader that never reads, or reads only while at least half the
     * window is unread (data piles up), keeps the initial window.
     */
    @Test
    void windowGrowsOnlyWhileTheReaderKeepsUp() {
        PropertyCheck.forAll(200, Gens.ints(1024, 65536), Gens.ints(1, 8), Gens.ints(256, 8192), Gens.ints(0, 3),
                Gens.lists(Gens.ints(0, 40000), 0, 80), Gens.lists(Gens.ints(0, 300), 0, 80), Gens.longs(),
                this::windowGrowsOnlyWhileTheReaderKeepsUp);
    }

    /** Reader kinds of {@link #windowGrowsOnlyWhileTheReaderKeepsUp}. */
    private static final int NEVER_READS = 0;
    private static final int READS_WHEN_PILED_UP = 1;
    private static final int READS_PROMPTLY = 2;

    private void windowGrowsOnlyWhileTheReaderKeepsUp(int initial, int capFactor, int packet, int readerKind,
            List<Integer> bursts, List<Integer> stepMillis, long seed) throws Exception {
        EmbeddedChannel wire = new EmbeddedChannel();
        try {
            long cap = (long) initial * capFactor;
            SshConnectionConfig config = SshConnectionConfig.defaults(WHERE).withInitialWindowSize(initial)
                    .withMaxPacketSize(packet).withMaxWindowSize((int) cap);
            AtomicLong clock = new AtomicLong(seed & 0xFFFF_FFFFL);
            SshConnection connection = SshConnection.install(wire, config, clock::get);
            SshChannel ch = open(wire, connection, 1000, 1000);
            long[] received = {0};
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf b = (ByteBuf) msg;
                    while (b.isReadable()) {
                        assertEquals((byte) received[0]++, b.readByte(), "bytes in order");
                    }
                    b.release();
                }
            });
            StreamChannels.release(ch);
            if (readerKind == READS_PROMPTLY) {
                ch.config().setAutoRead(true);
            }
            Random random = new Random(seed);
            long credit = initial;
            long next = 0;
            long lastWindow = initial;
            for (int i = 0; i < Math.max(bursts.size(), stepMillis.size()); i++) {
                if (i < stepMillis.size()) {
                    clock.addAndGet(stepMillis.get(i) * 1_000_000L);
                }
                long burst = i < bursts.size() ? Math.min(bursts.get(i), credit) : 0;
                while (burst > 0) {
                    int n = (int) Math.min(burst, packet);
                    byte[] data = new byte[n];
                    for (int k = 0; k < n; k++) {
                        data[k] = (byte) next++;
                    }
                    ByteBuf m = Unpooled.buffer();
                    new ChannelDataMessage(ch.localId(), data).encode(m);
                    wire.writeInbound(m);
                    credit -= n;
                    burst -= n;
                    clock.addAndGet(random.nextInt(20_000));
                }
                if (readerKind == READS_WHEN_PILED_UP) {
                    while (ch.queuedInboundBytes() > 0 && ch.queuedInboundBytes() >= ch.window() / 2) {
                        clock.addAndGet(random.nextInt(50_000_000));
                        ch.read();
                    }
                } else if (readerKind == 3) {
                    for (int r = random.nextInt(4); r > 0; r--) {
                        clock.addAndGet(random.nextInt(50_000_000));
                        ch.read();
                    }
                }
                wire.runPendingTasks();
                ByteBuf b;
                while ((b = wire.readOutbound()) != null) {
                    credit += ChannelWindowAdjustMessage.decode(b).bytesToAdd();
                    b.release();
                }
                assertTrue(wire.isOpen(), "an honest peer broke the connection");
                assertEquals(credit, ch.localWindow(), "the peer's credit is what we advertised");
                assertTrue(ch.window() >= initial, "the window shrank from " + lastWindow + " to " + ch.window()
                        + ", below the initial " + initial);
                assertTrue(ch.window() <= cap, "window " + ch.window() + " beyond the cap " + cap);
                assertTrue(ch.localWindow() + ch.queuedInboundBytes() <= ch.window(), "credit and unread data "
                        + "beyond the window");
                assertEquals(next - received[0], ch.queuedInboundBytes());
                if (readerKind == NEVER_READS || readerKind == READS_WHEN_PILED_UP) {
                    assertEquals(initial, ch.window(), "a reader that does not keep up grew the window");
                }
                lastWindow = ch.window();
            }
        } finally {
            wire.finishAndReleaseAll();
        }
    }
}
