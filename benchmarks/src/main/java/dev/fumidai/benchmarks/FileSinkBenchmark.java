// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks;

import dev.fumidai.audit.file.Durability;
import dev.fumidai.audit.file.FileAuditSink;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
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
 * Measures events per second that one thread writes through {@link FileAuditSink} at each {@link Durability}: a
 * {@code forward.close} event (about 2 KiB of JSON) per operation, hash-chained, with Ed25519 checkpoints every 1000
 * events (the default) to a second file sink of the same durability, 64 MiB rotation (the default). The files go to
 * {@code java.io.tmpdir}; the figure for {@code FSYNC_EACH_EVENT} is the disk's flush latency more than the sink's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FileSinkBenchmark {

    @Param({"FSYNC_EACH_EVENT", "FSYNC_EACH_BATCH", "NONE"})
    public Durability durability;

    private Path dir;
    private FileAuditSink checkpoints;
    private FileAuditSink sink;
    private long seq;

    /** Opens the sinks in a fresh directory. */
    @Setup(Level.Trial)
    public void open() throws IOException, NoSuchAlgorithmException {
        dir = Dirs.create("file");
        KeyPair signing = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        checkpoints = FileAuditSink.builder(dir.resolve("checkpoints")).name("checkpoints").filePrefix("checkpoints")
                .durability(durability).build();
        sink = FileAuditSink.builder(dir.resolve("events")).durability(durability).checkpoints(signing, checkpoints)
                .build();
    }

    /** Writes one event. */
    @Benchmark
    public void accept() throws IOException {
        sink.accept(Events.forwardClose(++seq));
    }

    /** Closes the sinks and removes their files. */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        sink.close();
        checkpoints.close();
        Dirs.delete(dir);
    }
}
