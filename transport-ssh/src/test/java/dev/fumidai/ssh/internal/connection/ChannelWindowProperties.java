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
import java.util.concurrent.CompletableFuture;
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
     * stays within one window (a slow consumer keeps the heap bounded), and that every byte arrives in order.
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
            SshConnection connection = SshConnection.install(wire, config);
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
                assertTrue(next - received[0] <= window, "unread " + (next - received[0]) + " > window " + window);
                assertTrue(peerWindow <= window);
            }
            ch.config().setAutoRead(true);
            assertEquals(next, received[0]);
        } finally {
            wire.finishAndReleaseAll();
        }
    }
}
