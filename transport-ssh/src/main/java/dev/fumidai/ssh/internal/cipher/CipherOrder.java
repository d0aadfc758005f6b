// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Chooses, once per JVM, whether the default cipher preference starts with AES-GCM or with
 * chacha20-poly1305, from whether HotSpot runs AES and GHASH as CPU instructions.
 *
 * <p>The ssh-client spec lists chacha20-poly1305@openssh.com first, as OpenSSH does. Issue 3 lets AES-GCM come
 * first where it is measurably faster on the running JVM. Java 17 has intrinsics for AES (AES-NI, the ARMv8
 * crypto extensions) and for GHASH (carry-less multiply), but none for ChaCha20 or Poly1305. In
 * {@code SshPacketPairedBenchmark} (32 KiB packets, seal+open, OpenJDK 17.0.15 on a 2-core AMD EPYC)
 * AES-128-GCM was about 15 times faster than chacha20-poly1305 with the intrinsics on (1.3 GiB/s against
 * 90 MiB/s, run 9, when chacha20 was Bouncy Castle's Java code); issue 14's own ChaCha20 and Poly1305 made
 * chacha20 about twice as fast on 17 (three times from Java 20, with the JDK's ChaCha20 intrinsics), still
 * several times slower than AES-GCM ({@code ChaCha20Poly1305PairedBenchmark}). It was about 2.5 times slower
 * with the AES intrinsics off
 * ({@code -XX:-UseAESIntrinsics -XX:-UseGHASHIntrinsics -XX:-UseAESCTRIntrinsics}: 6 against 14 MiB/s in
 * one loaded run, run 15); figures in {@code benchmarks/SSH.md}. Table-driven AES is also the weaker choice
 * against cache-timing attacks, so without the instructions the spec's order stays.
 *
 * <p>The decision reads HotSpot VM flags through the {@code HotSpotDiagnosticMXBean}: cheap (no timing, no
 * warm-up), deterministic for a given JVM, CPU and command line, the same in every connection.
 * {@code UseAESIntrinsics} and {@code UseGHASHIntrinsics} say it exactly but are diagnostic flags in Java 17,
 * readable only after {@code -XX:+UnlockDiagnosticVMOptions}; otherwise the product flags they follow by
 * default are read: {@code UseAES} (off when the CPU lacks AES instructions or after {@code -XX:-UseAES}) and,
 * on x86, {@code UseCLMUL}. On aarch64, which has no such flag, HotSpot enables GHASH with the AES crypto
 * extension. When a flag cannot be read (another JVM), the spec's order is kept. The module descriptor requires
 * {@code jdk.management} (not {@code static}), so the bean is there on the module path and in jlink images too
 * ({@code ModulePathTunnelIT}).
 */
final class CipherOrder {

    /** The ssh-client spec's order, as OpenSSH's: chacha20-poly1305 first. */
    static final List<String> CHACHA20_FIRST = List.of(CipherAlgorithms.CHACHA20_POLY1305,
            CipherAlgorithms.AES128_GCM, CipherAlgorithms.AES256_GCM, CipherAlgorithms.AES128_CTR,
            CipherAlgorithms.AES192_CTR, CipherAlgorithms.AES256_CTR);

    /** AES-GCM first, for a JVM that runs AES and GHASH as CPU instructions. */
    static final List<String> AES_GCM_FIRST = List.of(CipherAlgorithms.AES128_GCM,
            CipherAlgorithms.AES256_GCM, CipherAlgorithms.CHACHA20_POLY1305, CipherAlgorithms.AES128_CTR,
            CipherAlgorithms.AES192_CTR, CipherAlgorithms.AES256_CTR);

    private CipherOrder() {
    }

    /** Returns the default order for the running JVM. */
    static List<String> forRunningJvm() {
        return choose(CipherOrder::hotSpotFlag, System.getProperty("os.arch", ""));
    }

    /**
     * Returns {@link #AES_GCM_FIRST} when {@code flags} shows AES and GHASH intrinsics on (see the class
     * comment), otherwise {@link #CHACHA20_FIRST}.
     *
     * @param flags the value of a VM flag by name, empty when it cannot be read
     * @param arch the {@code os.arch} of the JVM
     */
    static List<String> choose(Function<String, Optional<String>> flags, String arch) {
        Optional<Boolean> aes = bool(flags, "UseAESIntrinsics").or(() -> bool(flags, "UseAES"));
        Optional<Boolean> ghash = bool(flags, "UseGHASHIntrinsics").or(() -> bool(flags, "UseCLMUL"))
                .or(() -> arch.equals("aarch64") ? aes : Optional.empty());
        return aes.orElse(false) && ghash.orElse(false) ? AES_GCM_FIRST : CHACHA20_FIRST;
    }

    private static Optional<Boolean> bool(Function<String, Optional<String>> flags, String name) {
        return flags.apply(name).filter(v -> v.equals("true") || v.equals("false")).map(Boolean::valueOf);
    }

    /** Returns a HotSpot VM flag's value, or empty if this JVM has no such flag or no diagnostic bean. */
    static Optional<String> hotSpotFlag(String name) {
        try {
            com.sun.management.HotSpotDiagnosticMXBean bean =
                    ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null ? Optional.empty() : Optional.of(bean.getVMOption(name).getValue());
        } catch (RuntimeException | LinkageError e) {
            // IllegalArgumentException for a flag this JVM lacks or keeps locked (diagnostic), and
            // IllegalArgumentException or NoClassDefFoundError without jdk.management: the caller falls back.
            return Optional.empty();
        }
    }
}
