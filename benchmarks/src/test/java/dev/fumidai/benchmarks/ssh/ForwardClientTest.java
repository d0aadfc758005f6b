// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.SshTransportConfig;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Checks the end-to-end benchmark's own logic: the transport-option hook and the client CPU reading. */
class ForwardClientTest {

    @Test
    void theHookCallsTheBuilderMethodOfThatNameWithTheParsedValue() throws Exception {
        SshTransportConfig.Builder b = SshTransportConfig.builder();
        ForwardClient.apply(b, "rekeyBytes=64g");
        ForwardClient.apply(b, "handshakeTimeout=1500");
        SshTransportConfig c = b.build();
        assertEquals(64L << 30, c.rekeyBytes());
        assertEquals(Duration.ofMillis(1500), c.handshakeTimeout());
    }

    @Test
    void theHookFailsNamingAnOptionTheLibraryLacks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ForwardClient.apply(SshTransportConfig.builder(), "noSuchWindowOption=64m"));
        assertTrue(e.getMessage().contains("has no method noSuchWindowOption"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ForwardClient.apply(SshTransportConfig.builder(), "x"));
    }

    @Test
    void clientCpuIsReadFromProcStatAndGrowsWithWork() {
        long pid = ProcessHandle.current().pid();
        long before = SshForwardBenchmark.cpuNanosOf(Stream.of(pid));
        // Burn 0.2 s of this thread's own CPU time (not wall time: the machine may be busy), 30 s at most.
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long burnt = mx.getCurrentThreadCpuTime() + 200_000_000;
        long deadline = System.nanoTime() + 30_000_000_000L;
        long x = 0;
        while (mx.getCurrentThreadCpuTime() < burnt && System.nanoTime() < deadline) {
            for (int i = 0; i < 100_000; i++) {
                x += Long.hashCode(x * 31 + i);
            }
        }
        long after = SshForwardBenchmark.cpuNanosOf(Stream.of(pid));
        assertTrue(before > 0, "this JVM has used CPU: " + before);
        // The whole process used at least this thread's 0.2 s; /proc counts in 10 ms ticks.
        assertTrue(after - before >= 180_000_000L, "CPU grew by " + (after - before) + " ns (x=" + x + ")");
        assertEquals(0, SshForwardBenchmark.cpuNanosOf(Stream.of(Long.MAX_VALUE)), "a process that is gone");
    }
}
