// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import java.security.GeneralSecurityException;
import java.util.Arrays;
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
 * Measures SSH packet seal + open throughput on 32 KiB payloads for every default cipher and MAC (issue 3,
 * Benchmark), on three paths measured in the same run:
 * <ul>
 *   <li>{@code raw}: the JDK or Bouncy Castle primitive doing only the work the packet needs, out of place
 *       (the limit);</li>
 *   <li>{@code cipher}: our {@code PacketCipher} pair in place on a pooled heap {@code ByteBuf}, as
 *       {@code SshPacketCodec} calls it;</li>
 *   <li>{@code codec}: the whole {@code SshPacketCodec} write and read on two {@code EmbeddedChannel}s;</li>
 *   <li>{@code socket}: {@code codec} plus every copy a forwarded stream's bytes see between two sockets
 *       ({@link SocketPathRoundTrip}, issue #14).</li>
 * </ul>
 * One operation is one packet sealed and opened; payload bytes per second are {@code ops/s × 32768}.
 * {@code path} is the inner parameter, so the three paths of one algorithm run one after another and see the
 * same machine load. Figures and how to read them: {@code benchmarks/SSH.md}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SshPacketBenchmark {

    @Param({
        CipherAlgorithms.CHACHA20_POLY1305,
        CipherAlgorithms.AES128_GCM,
        CipherAlgorithms.AES256_GCM,
        "aes128-ctr+hmac-sha2-256-etm@openssh.com",
        "aes128-ctr+hmac-sha2-512-etm@openssh.com",
        "aes128-ctr+hmac-sha2-256",
        "aes128-ctr+hmac-sha2-512",
        "aes192-ctr+hmac-sha2-256-etm@openssh.com",
        "aes192-ctr+hmac-sha2-512-etm@openssh.com",
        "aes192-ctr+hmac-sha2-256",
        "aes192-ctr+hmac-sha2-512",
        "aes256-ctr+hmac-sha2-256-etm@openssh.com",
        "aes256-ctr+hmac-sha2-512-etm@openssh.com",
        "aes256-ctr+hmac-sha2-256",
        "aes256-ctr+hmac-sha2-512",
    })
    public String algorithm;

    @Param({"raw", "cipher", "codec", "socket"})
    public String path;

    private PacketRoundTrip roundTrip;

    /** Checks that raw and our path produce the same first packet, then builds the measured round trip. */
    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        PacketShape shape = new PacketShape(algorithm);
        try (PacketRoundTrip raw = raw(shape); PacketRoundTrip ours = new CipherRoundTrip(shape);
                PacketRoundTrip codec = new CodecRoundTrip(shape)) {
            byte[] expected = raw.firstWire();
            if (!Arrays.equals(expected, ours.firstWire())) {
                throw new IllegalStateException(algorithm + ": our packet differs from the raw primitive's");
            }
            if (codec.firstWire().length != expected.length) {
                throw new IllegalStateException(algorithm + ": the codec's packet has another length");
            }
        }
        roundTrip = switch (path) {
            case "raw" -> raw(shape);
            case "cipher" -> new CipherRoundTrip(shape);
            case "codec" -> new CodecRoundTrip(shape);
            case "socket" -> new SocketPathRoundTrip(shape);
            default -> throw new IllegalArgumentException("unknown path " + path);
        };
        for (int i = 0; i < 3; i++) {
            roundTrip.roundTrip();
        }
    }

    /** Returns the round trip {@link #setUp()} built, for {@link SshPacketPairedBenchmark}. */
    PacketRoundTrip roundTrip() {
        return roundTrip;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        roundTrip.close();
    }

    /** Seals and opens one packet of a 32 KiB payload on the chosen path. */
    @Benchmark
    public int sealOpen() throws GeneralSecurityException {
        return roundTrip.roundTrip();
    }

    private static PacketRoundTrip raw(PacketShape shape) throws GeneralSecurityException {
        if (shape.mac != null) {
            return new RawAesCtrHmacRoundTrip(shape);
        }
        if (shape.cipher.name().equals(CipherAlgorithms.CHACHA20_POLY1305)) {
            return new RawChaCha20Poly1305RoundTrip(shape);
        }
        return new RawAesGcmRoundTrip(shape);
    }
}
