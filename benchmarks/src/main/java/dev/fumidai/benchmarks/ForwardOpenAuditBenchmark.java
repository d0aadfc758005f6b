// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks;

import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.file.Durability;
import dev.fumidai.audit.file.FileAuditSink;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Measures the latency that auditing adds to opening a tunnel: one operation is
 * {@code JumpHost.connect(Target, 10 s)} through {@link Route#direct()} to a local echo server, then
 * {@code close()}. The {@code forward.open} event is emitted during the connect and, for a {@code FAIL_CLOSED} sink,
 * the connect completes only after the sink accepted it; {@code forward.close} is queued on close and written in the
 * background. Sample mode gives the average and the percentiles (p0.99) of the operation.
 *
 * <ul>
 *   <li>{@code off}: no audit sink (events are built and dropped by the dispatcher with nobody to take them);</li>
 *   <li>{@code file-fail-closed}: a {@link FileAuditSink}, {@code FAIL_CLOSED}, {@code FSYNC_EACH_EVENT} (the
 *       defaults): the open waits for an fsync;</li>
 *   <li>{@code file-fail-closed-batch}: the same with {@code FSYNC_EACH_BATCH} (a force every 64 events);</li>
 *   <li>{@code file-best-effort}: the file sink, {@code BEST_EFFORT}, {@code FSYNC_EACH_EVENT}: the open does not wait
 *       for the sink, which writes on the dispatcher's thread meanwhile.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ForwardOpenAuditBenchmark {

    @Param({"off", "file-fail-closed", "file-fail-closed-batch", "file-best-effort"})
    public String audit;

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Path dir;
    private DiscardServer echo;
    private JumpHost jumpHost;
    private Target target;

    /** Starts the echo server and the JumpHost with the sink of this trial. */
    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Dirs.create("open");
        echo = new DiscardServer(null, true);
        target = Target.of("127.0.0.1", echo.port());
        JumpHost.Builder b = JumpHost.builder().route(Route.direct()).actor("bench:open").emitterId("jh-bench");
        switch (audit) {
            case "off" -> { }
            case "file-fail-closed" -> b.ownedAuditSink(FileAuditSink.builder(dir).policy(AuditPolicy.FAIL_CLOSED)
                    .durability(Durability.FSYNC_EACH_EVENT).build());
            case "file-fail-closed-batch" -> b.ownedAuditSink(FileAuditSink.builder(dir).policy(AuditPolicy.FAIL_CLOSED)
                    .durability(Durability.FSYNC_EACH_BATCH).build());
            case "file-best-effort" -> b.ownedAuditSink(FileAuditSink.builder(dir).policy(AuditPolicy.BEST_EFFORT)
                    .durability(Durability.FSYNC_EACH_EVENT).build());
            default -> throw new IllegalArgumentException("audit=" + audit);
        }
        jumpHost = b.build();
    }

    /** Opens a tunnel and closes it. */
    @Benchmark
    public boolean connectAndClose() throws IOException {
        TunnelConnection c = jumpHost.connect(target, TIMEOUT);
        boolean open = c.isOpen();
        c.close();
        return open;
    }

    /** Closes the JumpHost (and so its sink), the echo server, and removes the files. */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        jumpHost.close();
        echo.close();
        Dirs.delete(dir);
    }
}
