// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.openssh;

import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.ssh.KnownHostsVerifier;
import dev.fumidai.ssh.SshHop;
import dev.fumidai.ssh.SshTransportConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Builds a chain of listening OpenSSH daemons where each inner one is reachable only through the one before:
 * daemon {@code i} lets {@code direct-tcpip} reach only daemon {@code i+1} ({@code PermitOpen}), and the last
 * one only the given private services. Each daemon has its own host key (in one known_hosts file, under the
 * hop's name) and accepts only its own user key, so each {@link SshHop} carries its own identity.
 */
final class OpenSshChain implements AutoCloseable {

    final List<OpenSshDaemon> daemons = new ArrayList<>();
    final List<Path> userKeys = new ArrayList<>();
    final Path knownHosts;
    private final String user = System.getProperty("user.name");

    private OpenSshChain(Path knownHosts) {
        this.knownHosts = knownHosts;
    }

    /**
     * Starts {@code length} daemons under {@code dir}; the last lets clients reach {@code finalTargets}
     * ({@code host:port} strings). {@code extraConfig} gives more sshd_config lines for daemon {@code i}.
     */
    static OpenSshChain start(Path dir, int length, List<String> finalTargets,
            java.util.function.IntFunction<List<String>> extraConfig) throws Exception {
        OpenSshChain chain = new OpenSshChain(dir.resolve("known_hosts"));
        try {
            int[] ports = new int[length];
            for (int i = 0; i < length; i++) {
                ports[i] = OpenSshDaemon.freePort();
            }
            StringBuilder known = new StringBuilder();
            for (int i = 0; i < length; i++) {
                Path keyDir = Files.createDirectories(dir.resolve("client-" + (i + 1)));
                Path key = OpenSshDaemon.keygen(keyDir.resolve("id_ed25519"));
                chain.userKeys.add(key);
                Path authorized = keyDir.resolve("authorized_keys");
                Files.copy(keyDir.resolve("id_ed25519.pub"), authorized);
                String permitOpen = i + 1 < length ? "127.0.0.1:" + ports[i + 1] : String.join(" ", finalTargets);
                // sshd keeps the first value of a keyword: the extra lines go first so they can override these.
                List<String> config = new ArrayList<>(extraConfig.apply(i));
                config.addAll(List.of("UsePAM no", "AuthenticationMethods publickey",
                        "PermitRootLogin prohibit-password", "PasswordAuthentication no",
                        "KbdInteractiveAuthentication no", "AuthorizedKeysFile " + authorized,
                        "AllowTcpForwarding local", "PermitOpen " + permitOpen));
                OpenSshDaemon d = OpenSshDaemon.start("bastion" + (i + 1), dir, ports[i], config);
                chain.daemons.add(d);
                known.append(d.knownHostsLine(d.name)).append('\n');
            }
            Files.writeString(chain.knownHosts, known);
            return chain;
        } catch (Exception | Error e) {
            chain.close();
            throw e;
        }
    }

    /** Returns the hop for daemon {@code i}: its name, its own key, strict known_hosts. */
    SshHop hop(int i, UnaryOperator<SshHop.Builder> customize) {
        OpenSshDaemon d = daemons.get(i);
        SshHop.Builder b = SshHop.builder().address(Target.of("127.0.0.1", d.port))
                .hostKeyVerifier(KnownHostsVerifier.of(knownHosts)).name(d.name).user(user)
                .identity(userKeys.get(i)).transportConfig(SshTransportConfig.defaults());
        return customize.apply(b).build();
    }

    /** Returns the route through every daemon in order. */
    Route route() {
        List<SshHop> hops = new ArrayList<>();
        for (int i = 0; i < daemons.size(); i++) {
            hops.add(hop(i, b -> b));
        }
        return Route.of(hops);
    }

    /** Returns the logs of all daemons, for failure messages. */
    String logs() {
        StringBuilder b = new StringBuilder();
        for (OpenSshDaemon d : daemons) {
            b.append("---- ").append(d.name).append(" ----\n").append(d.logTail()).append('\n');
        }
        return b.toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (OpenSshDaemon d : daemons) {
            d.close();
        }
    }
}
