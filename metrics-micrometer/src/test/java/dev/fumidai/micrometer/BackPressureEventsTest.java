// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.Target;
import dev.fumidai.TunnelEventListener;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.testsupport.EmbeddedBastions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A local client that reads slower than the target sends, through a real SSH tunnel (an embedded MINA bastion):
 * the relay stops reading the tunnel, and the listener sees back-pressure go on and, once the client has read
 * everything, off again, while the stream is still open; the Micrometer counter counts the pauses.
 */
class BackPressureEventsTest {

    private static final Duration T = Duration.ofSeconds(60);
    /** Far more than the loopback socket buffers and Netty's high-water marks hold, so the relay must pause. */
    private static final int SIZE = 16 * 1024 * 1024;

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Records back-pressure events as "on|off <hop> <stream> <direction>" and feeds them to the metrics too. */
    private static final class Recording implements TunnelEventListener {
        final List<String> log = new CopyOnWriteArrayList<>();
        final FumidaiMetrics metrics;

        Recording(FumidaiMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void backPressureOn(HopId lastHop, String streamId, Direction direction) {
            log.add("on " + lastHop.name() + " " + streamId + " " + direction);
            metrics.backPressureOn(lastHop, streamId, direction);
        }

        @Override
        public void backPressureOff(HopId lastHop, String streamId, Direction direction, Duration paused) {
            assertFalse(paused.isNegative());
            log.add("off " + lastHop.name() + " " + streamId + " " + direction);
            metrics.backPressureOff(lastHop, streamId, direction, paused);
        }

        boolean has(String prefix) {
            return log.stream().anyMatch(l -> l.startsWith(prefix));
        }
    }

    @Test
    void aSlowLocalReaderTurnsBackPressureOnThenOff() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FumidaiMetrics metrics = new FumidaiMetrics();
        metrics.bindTo(registry);
        Recording events = new Recording(metrics);
        CountDownLatch finish = new CountDownLatch(1);
        try (ServerSocket source = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread sender = new Thread(() -> {
                try (Socket s = source.accept()) {
                    OutputStream out = s.getOutputStream();
                    byte[] chunk = new byte[64 * 1024];
                    for (int sent = 0; sent < SIZE; sent += chunk.length) {
                        out.write(chunk);
                    }
                    out.flush();
                    finish.await(T.toSeconds(), TimeUnit.SECONDS); // keep the stream open until the test is done
                } catch (Exception e) {
                    // the test fails on what the client reads
                }
            }, "slow-reader-source");
            sender.setDaemon(true);
            sender.start();
            try (EmbeddedBastions b = EmbeddedBastions.builder()
                    .bastion("bastion", "127.0.0.1:" + source.getLocalPort()).start();
                    JumpHost jh = JumpHost.builder().route(b.route()).actor("test:backpressure")
                            .auditSink(InMemoryAuditSink.create()).eventListener(events).build();
                    LocalForward fwd = jh.forward(Target.of("127.0.0.1", source.getLocalPort()));
                    Socket client = new Socket()) {
                client.setReceiveBufferSize(4096); // before connect, so the window stays small
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), fwd.localPort()), 10_000);
                client.setSoTimeout((int) T.toMillis());
                await(() -> events.has("on bastion"), "back-pressure on while the client does not read");
                InputStream in = client.getInputStream();
                byte[] got = in.readNBytes(SIZE);
                assertEquals(SIZE, got.length, "every byte arrives");
                await(() -> events.log.get(events.log.size() - 1).startsWith("off "),
                        "back-pressure off once the client has read everything: " + events.log);
                assertTrue(client.isConnected() && !client.isInputShutdown(), "the stream is still open");

                List<String> log = new ArrayList<>(events.log);
                String first = log.get(0);
                assertTrue(first.startsWith("on bastion ") && first.endsWith(" DOWN"), log.toString());
                String stream = first.split(" ")[2];
                assertTrue(stream.contains("/ch-"), "the stream id is the audit channel_id: " + stream);
                for (int i = 0; i < log.size(); i++) {
                    assertEquals((i % 2 == 0 ? "on" : "off") + " bastion " + stream + " DOWN", log.get(i),
                            "on and off alternate for the one stream: " + log);
                }
                double pauses = registry.find("fumidai.backpressure.pauses").tags("hop", "bastion", "transport", "ssh",
                        "direction", "down").counter().count();
                assertEquals(log.size() / 2, (int) pauses, registry.getMetersAsString());
            } finally {
                finish.countDown();
            }
        }
    }
}
