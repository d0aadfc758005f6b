// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import dev.fumidai.ForwardOptions;
import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.benchmarks.net.LatencyProxy;
import dev.fumidai.ssh.PinnedFingerprintVerifier;
import dev.fumidai.ssh.SshHop;
import dev.fumidai.ssh.SshTransportConfig;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Issue #14's short receive-window trial: one download stream through {@link LatencyProxy} (a fixed one-way delay
 * each way) to the local {@code sshd}, fumidai with several {@code maxReceiveWindow} caps and {@code ssh -N -L}
 * through the same proxy, alternating in one run. Indicative only: the full latency matrix is
 * {@link SshForwardBenchmark}'s job.
 *
 * <p>Run: {@code java -cp benchmarks/target/fumidai-benchmarks.jar dev.fumidai.benchmarks.ssh.WindowGrowthTrial
 * <MiB> <runs> <one-way delay ms> <sides>}, sides a comma-separated list of {@code fumidai-<cap in MiB>MiB} and
 * {@code openssh}, e.g. {@code 128 3 50 fumidai-16MiB,fumidai-2MiB,openssh}; run 0 warms the JIT up. Needs
 * {@code sshd}, {@code ssh}, {@code ssh-keygen}; everything on 127.0.0.1.
 */
public final class WindowGrowthTrial {

    private WindowGrowthTrial() {
    }

    public static void main(String[] args) throws Exception {
        long bytes = Long.parseLong(args[0]) << 20;
        int runs = Integer.parseInt(args[1]);
        long delayNanos = Long.parseLong(args[2]) * 1_000_000L;
        String cipher = "aes128-gcm@openssh.com";
        try (LocalSshd sshd = LocalSshd.start(); ByteServer target = new ByteServer();
                LatencyProxy proxy = new LatencyProxy(sshd.port, LatencyProxy.Link.delay(delayNanos),
                        LatencyProxy.Link.delay(delayNanos))) {
            int crc = ByteServer.expectedCrc(bytes);
            for (int run = 0; run < runs; run++) {
                for (String side : List.of(args[3].split(","))) {
                    AutoCloseable closer;
                    int port;
                    if (side.startsWith("fumidai")) {
                        SshTransportConfig t = SshTransportConfig.builder().ciphers(List.of(cipher))
                                .maxReceiveWindow(Integer.parseInt(side.replaceAll("[^0-9]", "")) << 20).build();
                        SshHop hop = SshHop.builder().address(Target.of("127.0.0.1", proxy.port()))
                                .hostKeyVerifier(PinnedFingerprintVerifier.of(sshd.hostKeyFingerprint)).name("hop1")
                                .user(sshd.user).identity(sshd.userKey).transportConfig(t).build();
                        JumpHost jh = JumpHost.builder().route(Route.of(List.of(hop))).actor("service:trial").build();
                        LocalForward f = jh.forward(Target.of("127.0.0.1", target.port()), ForwardOptions.defaults());
                        port = f.localPort();
                        closer = () -> {
                            f.close();
                            jh.close();
                        };
                    } else {
                        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                            port = s.getLocalPort();
                        }
                        // The client's known_hosts names sshd's own port, not the proxy's: this trial skips the check.
                        Process p = new ProcessBuilder("ssh", "-o", "Port=" + proxy.port(), "-o",
                                "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-F",
                                sshd.clientConfig(cipher).toString(), "-N", "-L",
                                "127.0.0.1:" + port + ":127.0.0.1:" + target.port(), "hop1")
                                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                        closer = () -> {
                            p.destroy();
                            p.waitFor(10, TimeUnit.SECONDS);
                        };
                    }
                    try {
                        long until = System.nanoTime() + 30_000_000_000L;
                        while (true) {
                            try {
                                ByteServer.probe(port).close();
                                break;
                            } catch (java.io.IOException e) {
                                if (System.nanoTime() > until) {
                                    throw new IllegalStateException(side + " never answered", e);
                                }
                                Thread.sleep(100);
                            }
                        }
                        long t0 = System.nanoTime();
                        ByteServer.download(port, bytes, crc);
                        double s = (System.nanoTime() - t0) / 1e9;
                        System.out.printf(Locale.ROOT, "run %d %-14s %6.1f MB/s (%d MiB in %.2f s)%n", run, side,
                                bytes / s / 1e6, bytes >> 20, s);
                    } finally {
                        closer.close();
                    }
                }
            }
        }
    }
}
