// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.openssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TargetUnreachableException;
import dev.fumidai.TunnelConnection;
import dev.fumidai.audit.AuthAttempted;
import dev.fumidai.audit.HostKeyChecked;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.VerifiedBy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends data through two and three real OpenSSH bastions (listening {@code sshd} daemons on 127.0.0.1), each
 * inner one reachable only through the one before ({@code PermitOpen} on every daemon), with known_hosts
 * verification and a separate key per hop: 1 GiB with a matching SHA-256 through two and through three hops,
 * 200 concurrent streams over the shared hop sessions, and a route that skips a hop refused by the server.
 */
@Tag("interop")
class OpenSshMultiHopIT {

    private static final Logger LOG = LoggerFactory.getLogger(OpenSshMultiHopIT.class);
    static final Duration T = Duration.ofSeconds(60);
    static final long GIB = 1L << 30;

    @TempDir
    static Path dir;
    static DigestServer service;
    static OpenSshChain two;
    static OpenSshChain three;

    @BeforeAll
    static void start() throws Exception {
        service = DigestServer.start();
        List<String> target = List.of("127.0.0.1:" + service.port());
        two = OpenSshChain.start(dir.resolve("two"), 2, target, i -> List.of());
        // MaxSessions 1: sshd counts only session channels against it, never direct-tcpip (checked below).
        three = OpenSshChain.start(dir.resolve("three"), 3, target, i -> List.of("MaxSessions 1"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (two != null) {
            two.close();
        }
        if (three != null) {
            three.close();
        }
        if (service != null) {
            service.close();
        }
    }

    /** Sends {@code bytes} through one new stream and checks the service's digest; returns the elapsed nanos. */
    static long sendAndCheck(JumpHost jh, long seed, long bytes, OpenSshChain chain) throws Exception {
        long start = System.nanoTime();
        try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", service.port()), T)) {
            byte[] expected = DigestServer.send(c.outputStream(), seed, bytes);
            c.shutdownOutput();
            byte[] answer = c.inputStream().readNBytes(DigestServer.ANSWER_BYTES + 1);
            assertArrayEquals(expected, answer, () -> "digest of " + bytes + " bytes (seed " + seed + ")\n"
                    + chain.logs());
        }
        return System.nanoTime() - start;
    }

    void oneGibibyteThrough(OpenSshChain chain) throws Exception {
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        try (JumpHost jh = JumpHost.builder().route(chain.route()).actor("test:openssh-multihop").auditSink(sink)
                .threads(chain.daemons.size()).build()) {
            long nanos = sendAndCheck(jh, 42, GIB, chain);
            LOG.info("1 GiB through {} OpenSSH hops in {} ms ({} MiB/s)", chain.daemons.size(),
                    nanos / 1_000_000, (GIB >> 20) * 1_000_000_000L / nanos);
        }
        // Every hop's host key came from known_hosts, and every hop authenticated with its own key.
        List<HostKeyChecked> checks = sink.events(HostKeyChecked.class);
        assertEquals(chain.daemons.size(), checks.size(), checks::toString);
        assertTrue(checks.stream().allMatch(h -> h.outcome() == Outcome.SUCCESS
                && h.hostKey().verifiedBy() == VerifiedBy.KNOWN_HOSTS), checks::toString);
        assertEquals(chain.daemons.size(), sink.events(AuthAttempted.class).stream()
                .filter(a -> a.outcome() == Outcome.SUCCESS).count());
    }

    @Test
    void oneGibibyteThroughTwoHops() throws Exception {
        oneGibibyteThrough(two);
    }

    @Test
    void oneGibibyteThroughThreeHops() throws Exception {
        oneGibibyteThrough(three);
    }

    /**
     * Opens 200 streams at once through the three-hop route; each carries its own data (a few hundred KiB) and
     * gets its own digest. They share one SSH connection per hop: {@code direct-tcpip} channels are not bounded
     * by sshd's {@code MaxSessions} (set to 1 on these daemons; it counts session channels) and
     * {@code MaxStartups} counts only connections still authenticating (here one per hop), so neither limits
     * this.
     */
    @Test
    void twoHundredConcurrentStreamsShareOneSessionPerHop() throws Exception {
        int streams = 200;
        InMemoryAuditSink sink = InMemoryAuditSink.create();
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        long start = System.nanoTime();
        try (JumpHost jh = JumpHost.builder().route(three.route()).actor("test:openssh-multihop").auditSink(sink)
                .threads(2).build()) {
            List<Future<Long>> results = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                long seed = 1000 + i;
                long bytes = 200 * 1024 + 1024L * i; // 200 KiB .. 399 KiB, every stream different
                results.add(pool.submit(() -> sendAndCheck(jh, seed, bytes, three)));
            }
            for (Future<Long> f : results) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        LOG.info("{} concurrent streams through 3 OpenSSH hops in {} ms", streams,
                (System.nanoTime() - start) / 1_000_000);
        // One connection per hop served all of them: one host-key check and one successful login per hop.
        assertEquals(3, sink.events(HostKeyChecked.class).size());
        assertEquals(3, sink.events(AuthAttempted.class).stream().filter(a -> a.outcome() == Outcome.SUCCESS)
                .count());
    }

    /** A route that leaves out the middle bastion is refused by the outer one's {@code PermitOpen}. */
    @Test
    void aRouteThatSkipsAHopIsRefused() throws Exception {
        // bastion1 -> bastion3, leaving out bastion2.
        Route skipping = Route.of(three.hop(0, b -> b), three.hop(2, b -> b));
        try (JumpHost jh = JumpHost.builder().route(skipping).actor("test:openssh-multihop").build()) {
            Exception e = assertThrows(Exception.class,
                    () -> jh.connect(Target.of("127.0.0.1", service.port()), T));
            TargetUnreachableException refused = assertInstanceOf(TargetUnreachableException.class, rootTunnel(e),
                    e::toString);
            assertTrue(refused.getMessage().contains("administratively prohibited"), refused.getMessage());
        }
        // bastion1 straight to the service, leaving out bastions 2 and 3.
        try (JumpHost jh = JumpHost.builder().route(Route.of(three.hop(0, b -> b))).actor("test:openssh-multihop")
                .build()) {
            Exception e = assertThrows(Exception.class,
                    () -> jh.connect(Target.of("127.0.0.1", service.port()), T));
            TargetUnreachableException refused = assertInstanceOf(TargetUnreachableException.class, rootTunnel(e),
                    e::toString);
            assertTrue(refused.getMessage().contains("administratively prohibited"), refused.getMessage());
            assertTrue(refused.getMessage().contains("bastion1"), refused.getMessage());
        }
        // sshd's own account of it (channels.c, logged at INFO).
        assertTrue(three.daemons.get(0).countLog("but the request was denied") >= 2, three::logs);
    }

    /** Returns the first {@link TargetUnreachableException} in the causes, or {@code t}. */
    static Throwable rootTunnel(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TargetUnreachableException) {
                return c;
            }
        }
        return t;
    }
}
