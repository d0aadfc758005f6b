// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static dev.fumidai.ssh.SshHopMinaTest.fingerprintOf;
import static dev.fumidai.ssh.SshHopMinaTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.audit.HopInfo;
import dev.fumidai.spi.AuditEmitter;
import dev.fumidai.spi.Hop;
import dev.fumidai.spi.HopContext;
import dev.fumidai.spi.HopSession;
import dev.fumidai.spi.StreamOpener;
import dev.fumidai.ssh.SshHopMinaTest.Bastion;
import dev.fumidai.ssh.internal.transport.PipelineNames;
import dev.fumidai.testing.EchoServer;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Checks where a two-hop route's SSH transports run (issue 14): with two or more event loops and the {@code own}
 * policy (the default on more than two CPUs), the second hop's transport (packet codec, cipher) is on another loop
 * than the first's, though it runs over a stream of the first hop's connection; with {@code shared} or one loop
 * everything shares one. And that a stream through both hops keeps every byte, in
 * both directions, with a slow reader, random write sizes and half-close, on two loops and on one.
 */
class SshHopLoopsMinaTest {

    static final Duration T = Duration.ofSeconds(30);
    /** RouteRuntime.HOP_LOOPS_PROPERTY (core's internal package is not visible here). */
    static final String HOP_LOOPS = "fumidai.hopLoops";

    final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        Collections.reverse(toClose);
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    <T extends AutoCloseable> T closeLater(T c) {
        toClose.add(c);
        return c;
    }

    /** Passes a hop through, recording the channel its transport was installed on (what its upstream opened). */
    static final class Recording implements Hop {
        final Hop hop;
        final List<Channel> channels = new CopyOnWriteArrayList<>();

        Recording(Hop hop) {
            this.hop = hop;
        }

        @Override
        public String name() {
            return hop.name();
        }

        @Override
        public String transport() {
            return hop.transport();
        }

        @Override
        public Target address() {
            return hop.address();
        }

        @Override
        public HopInfo describe() {
            return hop.describe();
        }

        @Override
        public CompletableFuture<HopSession> connect(HopContext ctx) {
            StreamOpener recording = target -> ctx.upstream().open(target).thenApply(ch -> {
                channels.add(ch);
                return ch;
            });
            return hop.connect(new HopContext() {
                @Override
                public int hopIndex() {
                    return ctx.hopIndex();
                }

                @Override
                public EventLoopGroup eventLoopGroup() {
                    return ctx.eventLoopGroup();
                }

                @Override
                public StreamOpener upstream() {
                    return recording;
                }

                @Override
                public AuditEmitter audit() {
                    return ctx.audit();
                }

                @Override
                public Clock clock() {
                    return ctx.clock();
                }

                @Override
                public Duration connectTimeout() {
                    return ctx.connectTimeout();
                }

                @Override
                public Duration handshakeTimeout() {
                    return ctx.handshakeTimeout();
                }

                @Override
                public dev.fumidai.TunnelEventListener events() {
                    return ctx.events();
                }

                @Override
                public String newConnectionId() {
                    return ctx.newConnectionId();
                }
            });
        }

        /** Returns the one channel the hop's SSH transport runs on. */
        Channel transportChannel() {
            assertEquals(1, channels.size(), name() + " connected once");
            Channel ch = channels.get(0);
            assertNotNull(ch.pipeline().get(PipelineNames.TRANSPORT), name() + "'s SSH transport is on this channel");
            return ch;
        }
    }

    SshHop hop(Bastion b, String name, String key) throws Exception {
        return SshHop.builder().address(Target.of("127.0.0.1", b.port())).hostKeyVerifier(b.pinned())
                .name(name).user("ops").identity(fixture(key)).build();
    }

    private Recording[] twoHops() throws Exception {
        Bastion b1 = closeLater(new Bastion(fingerprintOf("ed25519_openssh")));
        Bastion b2 = closeLater(new Bastion(fingerprintOf("ecdsa256_openssh")));
        return new Recording[] {new Recording(hop(b1, "outer", "ed25519_openssh")),
                new Recording(hop(b2, "inner", "ecdsa256_openssh"))};
    }

    /** Builds a JumpHost with the given hop-loop policy (read once, when it is built), restoring the property. */
    private JumpHost jumpHost(int threads, String hopLoops, Hop... hops) {
        String before = System.getProperty(HOP_LOOPS);
        System.setProperty(HOP_LOOPS, hopLoops);
        try {
            return closeLater(JumpHost.builder().route(Route.of(hops)).actor("test:loops").threads(threads)
                    .handshakeTimeout(T).build());
        } finally {
            if (before == null) {
                System.clearProperty(HOP_LOOPS);
            } else {
                System.setProperty(HOP_LOOPS, before);
            }
        }
    }

    @Test
    void withTwoLoopsTheHopsTransportsRunOnDifferentLoops() throws Exception {
        Recording[] hops = twoHops();
        JumpHost jh = jumpHost(2, "own", hops);
        jh.connectHops().get(T.toSeconds(), TimeUnit.SECONDS);
        Channel first = hops[0].transportChannel();
        Channel second = hops[1].transportChannel();
        assertNotSame(first.eventLoop(), second.eventLoop(),
                "hop 2's packet codec and cipher run on a loop of their own, not on hop 1's");
        assertTrue(second.isActive());
        // And the stream still works.
        echoCheck(jh, new Random(1), 64 * 1024, false);
    }

    @Test
    void withTheSharedPolicyBothHopsStayOnOneOfTwoLoops() throws Exception {
        Recording[] hops = twoHops();
        JumpHost jh = jumpHost(2, "shared", hops);
        jh.connectHops().get(T.toSeconds(), TimeUnit.SECONDS);
        assertSame(hops[0].transportChannel().eventLoop(), hops[1].transportChannel().eventLoop());
        echoCheck(jh, new Random(5), 64 * 1024, false);
    }

    @Test
    void withOneLoopBothHopsShareIt() throws Exception {
        Recording[] hops = twoHops();
        JumpHost jh = jumpHost(1, "own", hops);
        jh.connectHops().get(T.toSeconds(), TimeUnit.SECONDS);
        assertSame(hops[0].transportChannel().eventLoop(), hops[1].transportChannel().eventLoop());
        echoCheck(jh, new Random(2), 64 * 1024, false);
    }

    @Test
    void twoLoopsKeepEveryByteWithASlowReaderAndHalfClose() throws Exception {
        Recording[] hops = twoHops();
        JumpHost jh = jumpHost(2, "own", hops);
        // More than the SSH windows of both hops and the bridge's buffers together, so the slow reader's
        // back-pressure has to travel back through both hops and across the loops.
        echoCheck(jh, new Random(3), 6 * 1024 * 1024, true);
        assertNotSame(hops[0].transportChannel().eventLoop(), hops[1].transportChannel().eventLoop());
    }

    @Test
    void oneLoopKeepsEveryByteWithASlowReaderAndHalfClose() throws Exception {
        Recording[] hops = twoHops();
        JumpHost jh = jumpHost(1, "own", hops);
        echoCheck(jh, new Random(4), 3 * 1024 * 1024, true);
    }

    /**
     * Sends {@code size} random bytes in random chunks through a local forward to an echo server behind both hops,
     * shuts the output after the last one, and reads the echo (slowly, when asked) until EOF: the count and CRC must
     * match what was sent.
     */
    private void echoCheck(JumpHost jh, Random r, int size, boolean slowReader) throws Exception {
        byte[] data = new byte[size];
        r.nextBytes(data);
        CRC32 sentCrc = new CRC32();
        sentCrc.update(data);
        long readerSeed = r.nextLong();
        try (EchoServer echo = EchoServer.start();
                LocalForward fwd = jh.forward(Target.of("127.0.0.1", echo.port()));
                Socket s = new Socket("127.0.0.1", fwd.localPort())) {
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    int pos = 0;
                    Random w = new Random(readerSeed ^ 0x5DEECE66DL);
                    while (pos < data.length) {
                        int n = Math.min(data.length - pos, 1 + w.nextInt(40_000));
                        out.write(data, pos, n);
                        pos += n;
                    }
                    s.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            InputStream in = s.getInputStream();
            Random rr = new Random(readerSeed);
            CRC32 got = new CRC32();
            long count = 0;
            byte[] buf = new byte[65536];
            for (;;) {
                int n = in.read(buf, 0, 1 + rr.nextInt(buf.length));
                if (n < 0) {
                    break;
                }
                got.update(buf, 0, n);
                count += n;
                if (slowReader && rr.nextInt(16) == 0) {
                    // A reader that stalls now and then: back-pressure, not a wait for a condition.
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                }
            }
            written.get(T.toSeconds(), TimeUnit.SECONDS);
            assertEquals(size, count, "every byte came back, then EOF");
            assertEquals(sentCrc.getValue(), got.getValue(), "the bytes came back unchanged and in order");
        }
    }
}
