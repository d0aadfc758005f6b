// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import dev.fumidai.ForwardOptions;
import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.ssh.PinnedFingerprintVerifier;
import dev.fumidai.ssh.SshHop;
import dev.fumidai.ssh.SshTransportConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs fumidai's side of {@link SshForwardBenchmark} in a JVM of its own, so that the benchmark can measure the
 * client's CPU as a whole process ({@code /proc/<pid>/stat}), exactly as it measures OpenSSH's {@code ssh}, while
 * the byte server and the latency proxy stay in the benchmark's JVM, outside both measurements.
 *
 * <p>A line protocol on standard input and output; nothing else is printed on standard output (SLF4J's simple
 * logger writes to standard error). On start it prints {@code ready <java.version> <java.vm.name>}. Then:
 * <ul>
 *   <li>{@code open <variant> <cipher> <hops> <firstHopPort> <sshdPort> <targetPort> <fingerprint> <user>
 *       <keyPath> <transportOptions>} builds a {@link JumpHost} whose first hop is {@code 127.0.0.1:firstHopPort}
 *       (the latency proxy, or sshd itself) and whose later hops are {@code 127.0.0.1:sshdPort} (reached from
 *       the previous hop, not through the proxy), opens a local forward to {@code 127.0.0.1:targetPort} and
 *       answers {@code open <localPort>}; {@code variant} is {@code default}, {@code 1loop}
 *       ({@code threads(1)}) or {@code norekey} ({@code rekeyBytes(64 GiB)}); {@code transportOptions} is
 *       {@code -} or {@code name=value,...} (see {@link #apply}).</li>
 *   <li>{@code close} closes the forward and the JumpHost and answers {@code closed}.</li>
 * </ul>
 * A failure answers {@code error <message>} on one line. End of standard input ends the process.
 */
public final class ForwardClient {

    private ForwardClient() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        // Nothing but the protocol goes to standard output.
        System.setOut(System.err);
        out.println("ready " + System.getProperty("java.version") + " " + System.getProperty("java.vm.name")
                .replace(' ', '_'));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        JumpHost jh = null;
        LocalForward forward = null;
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split(" ");
            try {
                switch (w[0]) {
                    case "open" -> {
                        if (jh != null) {
                            throw new IllegalStateException("a forward is already open");
                        }
                        jh = jumpHost(w);
                        forward = jh.forward(Target.of("127.0.0.1", Integer.parseInt(w[6])),
                                ForwardOptions.defaults());
                        out.println("open " + forward.localPort());
                    }
                    case "close" -> {
                        if (forward != null) {
                            forward.close();
                        }
                        if (jh != null) {
                            jh.close();
                        }
                        forward = null;
                        jh = null;
                        out.println("closed");
                    }
                    default -> throw new IllegalArgumentException("unknown command " + w[0]);
                }
            } catch (Exception | Error e) {
                if (jh != null && forward == null) {
                    jh.close();
                    jh = null;
                }
                out.println("error " + e.toString().replace('\n', ' '));
            }
        }
        if (jh != null) {
            jh.close();
        }
    }

    private static JumpHost jumpHost(String[] w) throws ReflectiveOperationException {
        String variant = w[1];
        SshTransportConfig.Builder config = SshTransportConfig.builder().ciphers(List.of(w[2]));
        if (variant.equals("norekey")) {
            config.rekeyBytes(64L << 30);
        }
        if (!w[10].equals("-")) {
            for (String option : w[10].split(",")) {
                apply(config, option);
            }
        }
        SshTransportConfig transport = config.build();
        int hops = Integer.parseInt(w[3]);
        List<SshHop> route = new ArrayList<>();
        for (int i = 1; i <= hops; i++) {
            int port = Integer.parseInt(i == 1 ? w[4] : w[5]);
            route.add(SshHop.builder().address(Target.of("127.0.0.1", port))
                    .hostKeyVerifier(PinnedFingerprintVerifier.of(w[7]))
                    .name("hop" + i).user(w[8]).identity(Path.of(w[9])).transportConfig(transport).build());
        }
        JumpHost.Builder builder = JumpHost.builder().route(Route.of(route)).actor("service:benchmark");
        if (variant.equals("1loop")) {
            builder.threads(1);
        } else if (!variant.equals("default") && !variant.equals("norekey")) {
            throw new IllegalArgumentException("unknown variant " + variant);
        }
        return builder.build();
    }

    /**
     * Applies {@code name=value} by calling the {@link SshTransportConfig.Builder} method of that name with one
     * {@code int}, {@code long}, {@code boolean}, {@code String} or {@link Duration} (in milliseconds) parameter;
     * sizes take {@code k}, {@code m}, {@code g} (binary). This is the benchmark's hook for transport options the
     * library may add (such as a cap on the receive window): {@code --fumidai-transport maxReceiveWindow=64m}
     * works as soon as the builder has that method, and fails naming it until then.
     */
    static void apply(SshTransportConfig.Builder config, String option) throws ReflectiveOperationException {
        int eq = option.indexOf('=');
        if (eq < 1) {
            throw new IllegalArgumentException("transport option " + option + " is not name=value");
        }
        String name = option.substring(0, eq);
        String value = option.substring(eq + 1);
        for (Method m : SshTransportConfig.Builder.class.getMethods()) {
            if (!m.getName().equals(name) || m.getParameterCount() != 1) {
                continue;
            }
            Class<?> type = m.getParameterTypes()[0];
            Object arg;
            if (type == int.class) {
                arg = Math.toIntExact(size(value));
            } else if (type == long.class) {
                arg = size(value);
            } else if (type == boolean.class) {
                arg = Boolean.parseBoolean(value);
            } else if (type == String.class) {
                arg = value;
            } else if (type == Duration.class) {
                arg = Duration.ofMillis(Long.parseLong(value));
            } else {
                continue;
            }
            m.invoke(config, arg);
            return;
        }
        throw new IllegalArgumentException("SshTransportConfig.Builder has no method " + name
                + "(int|long|boolean|String|Duration): this library version lacks that option");
    }

    static long size(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        long unit = t.endsWith("g") ? 1L << 30 : t.endsWith("m") ? 1L << 20 : t.endsWith("k") ? 1L << 10 : 1;
        return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
    }
}
