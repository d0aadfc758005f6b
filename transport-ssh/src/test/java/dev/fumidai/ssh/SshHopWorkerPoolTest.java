// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.JumpHost;
import dev.fumidai.ReconnectPolicy;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.testing.EchoServer;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;

/**
 * Checks where user callbacks run: password callbacks that block (a person who never answers) run on a bounded
 * pool off the event loops, so many of them neither grow threads without bound nor stall another hop's I/O.
 */
class SshHopWorkerPoolTest {

    static final Duration T = Duration.ofSeconds(30);
    /** More hops with a blocked prompt than the callback pool has threads. */
    static final int BLOCKED_HOPS = 12;
    /** The bound the test expects: SshHop.MAX_CALLBACK_THREADS. */
    static final int BOUND = 8;

    @Test
    void blockedPasswordCallbacksStayOnABoundedPoolAndDoNotStallAnotherHop() throws Exception {
        KeyPair hostKey = KeyPairGenerator.getInstance("EC").generateKeyPair();
        String hostKeyFingerprint = SshHopMinaTest.fingerprint(hostKey.getPublic());
        String authorized = SshHopMinaTest.fingerprintOf("ed25519_openssh");
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(List.of(hostKey)));
        server.setPublickeyAuthenticator((user, key, session) -> "ops".equals(user)
                && authorized.equals(SshHopMinaTest.fingerprint(key)));
        server.setPasswordAuthenticator((user, password, session) -> "waiter".equals(user) && "pw".equals(password));
        server.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
        server.start();
        int port = ((InetSocketAddress) server.getBoundAddresses().iterator().next()).getPort();

        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        AtomicBoolean onEventLoop = new AtomicBoolean();
        Set<Thread> callbackThreads = ConcurrentHashMap.newKeySet();
        PasswordCallback blocking = (user, hop) -> {
            callbackThreads.add(Thread.currentThread());
            onEventLoop.compareAndSet(false, Thread.currentThread() instanceof FastThreadLocalThread);
            mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inside.decrementAndGet();
            }
            return "pw".toCharArray();
        };
        List<JumpHost> waiting = new ArrayList<>();
        try (EchoServer echo = EchoServer.start()) {
            List<CompletableFuture<TunnelConnection>> pending = new ArrayList<>();
            for (int i = 0; i < BLOCKED_HOPS; i++) {
                SshHop h = SshHop.builder().address(Target.of("127.0.0.1", port))
                        .hostKeyVerifier(PinnedFingerprintVerifier.of(hostKeyFingerprint)).name("waiter" + i)
                        .user("waiter").defaultIdentities(false).password(blocking).build();
                JumpHost jh = JumpHost.builder().route(Route.of(h)).actor("test:pool")
                        .reconnectPolicy(ReconnectPolicy.none()).handshakeTimeout(Duration.ofSeconds(60)).build();
                waiting.add(jh);
                pending.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return jh.connect(Target.of("127.0.0.1", echo.port()), Duration.ofSeconds(60));
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }));
            }
            long deadline = System.nanoTime() + T.toNanos();
            while (inside.get() < Math.min(BOUND, BLOCKED_HOPS) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(inside.get() >= Math.min(BOUND, BLOCKED_HOPS), "callbacks blocked: " + inside.get());

            // Another hop authenticates with a key and moves bytes while the prompts block.
            SshHop keyHop = SshHop.builder().address(Target.of("127.0.0.1", port))
                    .hostKeyVerifier(PinnedFingerprintVerifier.of(hostKeyFingerprint)).name("busy").user("ops")
                    .defaultIdentities(false).identity(SshHopMinaTest.fixture("ed25519_openssh")).build();
            try (JumpHost jh = JumpHost.builder().route(Route.of(keyHop)).actor("test:pool").build();
                    TunnelConnection c = jh.connect(Target.of("127.0.0.1", echo.port()), T)) {
                byte[] data = "while others wait".getBytes(StandardCharsets.UTF_8);
                c.outputStream().write(data);
                c.outputStream().flush();
                assertArrayEquals(data, c.inputStream().readNBytes(data.length));
            }
            assertTrue(mostInside.get() <= BOUND, "at most " + BOUND + " callbacks ran at once, saw "
                    + mostInside.get());
            assertTrue(callbackThreads.size() <= BOUND, "callback threads: " + callbackThreads.size());
            assertFalse(onEventLoop.get(), "a callback ran on an event loop");

            release.countDown();
            for (CompletableFuture<TunnelConnection> f : pending) {
                f.get(T.toSeconds(), TimeUnit.SECONDS).close();
            }
            assertTrue(callbackThreads.size() <= BOUND, "callback threads after all ran: " + callbackThreads.size());
        } finally {
            release.countDown();
            for (JumpHost jh : waiting) {
                jh.close();
            }
            server.stop(true);
        }
    }
}
