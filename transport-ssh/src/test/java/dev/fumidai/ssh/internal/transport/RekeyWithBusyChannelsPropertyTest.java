// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.spi.StreamChannels;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.connection.ChannelDataMessage;
import dev.fumidai.ssh.internal.connection.ChannelOpenConfirmationMessage;
import dev.fumidai.ssh.internal.connection.ChannelOpenDirectTcpipMessage;
import dev.fumidai.ssh.internal.connection.ChannelWindowAdjustMessage;
import dev.fumidai.ssh.internal.connection.SshChannel;
import dev.fumidai.ssh.internal.connection.SshConnection;
import dev.fumidai.ssh.internal.connection.SshConnectionConfig;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import dev.fumidai.ssh.internal.message.SshProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Issue #10, must hold 2, as a property: for random channel counts, window and packet sizes, hold caps and rekey
 * moments (server-initiated, and client-initiated on a random byte limit), channels busy in both directions
 * through key re-exchanges never kill the connection, and every byte arrives once, in order. Runs the real
 * client transport and connection layer on an {@code EmbeddedChannel} against {@link ScriptedServer}, which
 * plays the server: it grants window as it consumes data, sends data within the client's window, and starts
 * or answers key exchanges at random steps.
 *
 * <p>Plain JUnit with a seeded {@link Random}; the seed of a failing trial is in the failure message (override
 * with {@code -Dfumidai.property.seed=N}).
 */
class RekeyWithBusyChannelsPropertyTest {

    static final int TRIALS = Integer.getInteger("fumidai.property.trials", 6);

    @Test
    void busyChannelsSurviveRekeysAtRandomMoments() throws Exception {
        long base = Long.getLong("fumidai.property.seed", System.nanoTime());
        for (int t = 0; t < TRIALS; t++) {
            long seed = base + t;
            try {
                long started = System.nanoTime();
                trial(seed);
                System.out.printf("rekey property: seed %d passed in %d ms%n", seed,
                        (System.nanoTime() - started) / 1_000_000);
            } catch (Throwable e) {
                throw new AssertionError("trial failed with seed " + seed + " (-Dfumidai.property.seed=" + seed
                        + " -Dfumidai.property.trials=1): " + e, e);
            }
        }
    }

    /** What the scripted server knows about one channel. */
    static final class Peer {
        final int clientId;
        final int serverId;
        final SshChannel channel;
        final Collector collector;
        final byte[] upload;
        final byte[] download;
        int uploadWritten;
        final ByteArrayOutputStream uploaded = new ByteArrayOutputStream();
        long owedToClient;
        int downloadSent;
        long clientWindow;

        Peer(int clientId, int serverId, SshChannel channel, Collector collector, byte[] upload, byte[] download,
                long clientWindow) {
            this.clientId = clientId;
            this.serverId = serverId;
            this.channel = channel;
            this.collector = collector;
            this.upload = upload;
            this.download = download;
            this.clientWindow = clientWindow;
        }
    }

    static final class Collector extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                data.writeBytes(ByteBufUtil.getBytes(b));
            } finally {
                b.release();
            }
        }
    }

    /** The scripted server's side of a key exchange. */
    static final class Kex {
        byte[] serverInit;
        byte[] clientInit;
        int done;
        int byClient;
    }

    static void trial(long seed) throws Exception {
        Random r = new Random(new java.util.SplittableRandom(seed).nextLong());
        int channels = 1 + r.nextInt(32);
        int serverWindow = 1024 + r.nextInt(128 * 1024);
        int serverPacket = 512 + r.nextInt(32 * 1024);
        int clientWindow = 4096 + r.nextInt(128 * 1024);
        int cap = 256 * 1024 + r.nextInt(256 * 1024);
        long clientRekeyBytes = 256 * 1024 + r.nextInt(1024 * 1024);
        SshTransportConfig config = SshTransportConfig.builder().kexAlgorithms(List.of(KexAlgorithms.CURVE25519_SHA256))
                .maxPendingWriteBytes(cap).rekeyBytes(clientRekeyBytes).build();
        String where = "ssh hop \"scripted\" 127.0.0.1:22";
        try (ScriptedServer s = new ScriptedServer(config)) {
            s.handshake(true);
            s.maxPiece = 16 * 1024;
            s.authenticate(); // USERAUTH_SUCCESS
            s.client.pipeline().remove(PipelineNames.USERAUTH);
            SshConnection connection = SshConnection.install(s.client,
                    SshConnectionConfig.defaults(where).withInitialWindowSize(clientWindow));
            List<Peer> peers = new ArrayList<>();
            for (int i = 0; i < channels; i++) {
                CompletableFuture<Channel> f = connection.openDirectTcpip("db", 5432, "127.0.0.1", 40000);
                s.client.runPendingTasks();
                ByteBuf open = s.nextFromClient();
                ChannelOpenDirectTcpipMessage m = ChannelOpenDirectTcpipMessage.decode(open);
                open.release();
                int serverId = 1000 + i;
                s.send(b -> new ChannelOpenConfirmationMessage(m.senderChannel(), serverId, serverWindow, serverPacket)
                        .encode(b));
                s.client.runPendingTasks();
                SshChannel ch = (SshChannel) f.getNow(null);
                Collector c = new Collector();
                ch.pipeline().addLast(c);
                StreamChannels.release(ch);
                ch.config().setAutoRead(true);
                byte[] up = new byte[r.nextInt(2 * serverWindow + 1)];
                byte[] down = new byte[r.nextInt(2 * clientWindow + 1)];
                r.nextBytes(up);
                r.nextBytes(down);
                peers.add(new Peer(m.senderChannel(), serverId, ch, c, up, down, clientWindow));
            }
            Kex kex = new Kex();
            int steps = 0;
            int forcedRekeyStep = r.nextInt(200);
            long progress = -1;
            int stalled = 0;
            while ((!allDone(peers) || kex.done == 0) && steps++ < 200_000) {
                long now = progress(peers) + kex.done;
                stalled = now == progress ? stalled + 1 : 0;
                progress = now;
                if (stalled > 20_000) {
                    throw new AssertionError("no progress in 20000 steps: client writable " + s.client.isWritable()
                            + ", kex " + (kex.serverInit != null) + "/" + (kex.clientInit != null) + ", "
                            + describe(peers));
                }
                int action = steps == forcedRekeyStep ? 90 : r.nextInt(100);
                if (action < 35) {
                    appWrites(r, peers);
                } else if (action < 60) {
                    drain(s, peers, kex);
                } else if (action < 75) {
                    if (kex.serverInit == null) {
                        grantWindow(s, r, peers);
                    }
                } else if (action < 88) {
                    if (kex.serverInit == null) {
                        sendDownload(s, r, peers);
                    }
                } else if (action < 92) {
                    if (kex.serverInit == null && (steps == forcedRekeyStep || r.nextInt(25) == 0)) {
                        kex.serverInit = s.sendKexInit(s.kexInit(true, false,
                                List.of(KexAlgorithms.CURVE25519_SHA256)));
                    }
                } else {
                    finishKex(s, peers, kex);
                }
                s.client.runPendingTasks();
                assertTrue(s.client.isOpen(), () -> "connection closed: " + s.failure() + " / "
                        + connection.terminated().getNow(null));
            }
            finishKex(s, peers, kex);
            System.out.printf("rekey property: %d channels, %d steps, %d exchanges (%d by the client), %d bytes%n",
                    channels, steps, kex.done, kex.byClient, progress(peers) / 2);
            assertTrue(allDone(peers), "every transfer completed within the step bound");
            for (Peer p : peers) {
                assertArrayEquals(p.upload, p.uploaded.toByteArray(), "upload of channel " + p.clientId);
                assertArrayEquals(p.download, p.collector.data.toByteArray(), "download of channel " + p.clientId);
                assertTrue(p.channel.isActive(), "channel " + p.clientId + " still open");
            }
            assertTrue(connection.isOpen());
            assertTrue(kex.done >= 1, "at least one re-exchange ran");
        }
    }

    static long progress(List<Peer> peers) {
        long n = 0;
        for (Peer p : peers) {
            n += p.uploaded.size() + p.collector.data.size() + p.uploadWritten + p.downloadSent;
        }
        return n;
    }

    static String describe(List<Peer> peers) {
        StringBuilder b = new StringBuilder();
        for (Peer p : peers) {
            b.append("[ch ").append(p.clientId).append(" up ").append(p.uploaded.size()).append('/')
                    .append(p.uploadWritten).append('/').append(p.upload.length).append(" down ")
                    .append(p.collector.data.size()).append('/').append(p.download.length).append(" remoteWindow ")
                    .append(p.channel.remoteWindow()).append(" owed ").append(p.owedToClient).append(" writable ")
                    .append(p.channel.isWritable()).append(']');
        }
        return b.toString();
    }

    static boolean allDone(List<Peer> peers) {
        for (Peer p : peers) {
            if (p.uploaded.size() < p.upload.length || p.collector.data.size() < p.download.length) {
                return false;
            }
        }
        return true;
    }

    /** The application writes a random piece of a random channel's upload. */
    static void appWrites(Random r, List<Peer> peers) {
        Peer p = peers.get(r.nextInt(peers.size()));
        int left = p.upload.length - p.uploadWritten;
        if (left == 0) {
            return;
        }
        int n = 1 + r.nextInt(Math.min(left, 64 * 1024));
        p.channel.writeAndFlush(Unpooled.wrappedBuffer(p.upload, p.uploadWritten, n));
        p.uploadWritten += n;
    }

    /** Reads what the client sent, up to its KEXINIT (after which only the exchange's messages follow). */
    static void drain(ScriptedServer s, List<Peer> peers, Kex kex) throws SshProtocolException {
        if (kex.clientInit != null) {
            return;
        }
        ByteBuf b;
        while ((b = s.nextFromClient()) != null) {
            try {
                int type = b.getUnsignedByte(b.readerIndex());
                if (type == 94) {
                    ChannelDataMessage d = ChannelDataMessage.decode(b);
                    Peer p = byServerId(peers, d.recipientChannel());
                    p.uploaded.writeBytes(d.data());
                    p.owedToClient += d.data().length;
                } else if (type == 93) {
                    ChannelWindowAdjustMessage m = ChannelWindowAdjustMessage.decode(b);
                    byServerId(peers, m.recipientChannel()).clientWindow += m.bytesToAdd();
                } else if (type == 20) {
                    kex.clientInit = ByteBufUtil.getBytes(b);
                    if (kex.serverInit == null) {
                        kex.byClient++;
                        kex.serverInit = s.sendKexInit(s.kexInit(true, false,
                                List.of(KexAlgorithms.CURVE25519_SHA256)));
                    }
                    return;
                } else {
                    throw new AssertionError("unexpected message " + type + " from the client");
                }
            } finally {
                b.release();
            }
        }
    }

    static Peer byServerId(List<Peer> peers, int serverId) {
        Peer p = peers.get(serverId - 1000);
        assertEquals(serverId, p.serverId);
        return p;
    }

    /** The server consumed what it received on a random channel and returns that window. */
    static void grantWindow(ScriptedServer s, Random r, List<Peer> peers) {
        Peer p = peers.get(r.nextInt(peers.size()));
        if (p.owedToClient > 0) {
            long add = p.owedToClient;
            p.owedToClient = 0;
            s.send(b -> new ChannelWindowAdjustMessage(p.clientId, add).encode(b));
        }
    }

    /** The server sends a random piece of a random channel's download, within the client's window. */
    static void sendDownload(ScriptedServer s, Random r, List<Peer> peers) {
        Peer p = peers.get(r.nextInt(peers.size()));
        int left = p.download.length - p.downloadSent;
        int n = (int) Math.min(Math.min(left, p.clientWindow), 1 + r.nextInt(32 * 1024));
        if (n <= 0) {
            return;
        }
        byte[] piece = new byte[n];
        System.arraycopy(p.download, p.downloadSent, piece, 0, n);
        p.downloadSent += n;
        p.clientWindow -= n;
        s.send(b -> new ChannelDataMessage(p.clientId, piece).encode(b));
    }

    /** Completes a running exchange once both KEXINITs are out; a server-started one reads the client's first. */
    static void finishKex(ScriptedServer s, List<Peer> peers, Kex kex) throws Exception {
        if (kex.clientInit == null) {
            // Data the client wrote before it saw our KEXINIT is still ahead of its own KEXINIT.
            drain(s, peers, kex);
        }
        if (kex.serverInit == null || kex.clientInit == null) {
            return;
        }
        s.replyAndSendNewKeys(kex.clientInit, kex.serverInit, null);
        s.expectClientNewKeys();
        kex.serverInit = null;
        kex.clientInit = null;
        kex.done++;
    }
}
