package dev.fumidai.ssh;

import dev.fumidai.Target;
import dev.fumidai.ssh.config.ResolvedSshConfig;
import dev.fumidai.ssh.config.SshConfig;
import dev.fumidai.ssh.config.StrictHostKeyChecking;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Builds {@link SshHop}s from resolved ssh_config settings ({@link SshConfig#resolveChain}), one per hop of a
 * {@code ProxyJump} chain and the host last, in connect order. Core's route type is not touched: callers hand
 * the hops to it.
 *
 * <p>Host keys are always checked against known_hosts files ({@code UserKnownHostsFile} and
 * {@code GlobalKnownHostsFile}, else OpenSSH's defaults); {@code StrictHostKeyChecking no} or {@code ask} does
 * not weaken that, and {@code accept-new} records new keys in the first user file. A caller wanting another
 * policy passes its own verifier function. {@code ProxyCommand} is refused here: running it needs the core
 * command transport and must never go through a shell unless the user opted in.
 */
public final class SshRoutes {

    private SshRoutes() {
    }

    /** Builds one hop per resolved config, verifying host keys as the configs say (see the class comment). */
    public static List<SshHop> fromSshConfig(ResolvedSshConfig... chain) {
        return fromSshConfig(List.of(chain), SshRoutes::verifierFor);
    }

    /** Builds one hop per resolved config with the host-key verifier the function picks for it. */
    public static List<SshHop> fromSshConfig(List<ResolvedSshConfig> chain,
            Function<ResolvedSshConfig, HostKeyVerifier> verifiers) {
        Objects.requireNonNull(verifiers, "verifiers");
        List<SshHop> hops = new ArrayList<>();
        for (ResolvedSshConfig c : chain) {
            hops.add(hop(c, verifiers.apply(c)));
        }
        return List.copyOf(hops);
    }

    private static SshHop hop(ResolvedSshConfig c, HostKeyVerifier verifier) {
        if (c.proxyCommand().isPresent()) {
            throw new IllegalArgumentException("ssh_config host \"" + c.originalHost()
                    + "\": ProxyCommand is not supported by the SSH route builder yet");
        }
        SshTransportConfig.Builder t = SshTransportConfig.defaults().toBuilder()
                .kexAlgorithms(c.kexAlgorithms())
                .ciphers(c.ciphers())
                .macs(c.macs())
                .hostKeyAlgorithms(c.hostKeyAlgorithms());
        c.rekeyLimitBytes().ifPresent(t::rekeyBytes);
        c.rekeyLimitTime().ifPresent(t::rekeyInterval);
        SshHop.Builder b = SshHop.builder()
                .address(Target.of(c.hostName(), c.port()))
                .hostKeyVerifier(verifier)
                .name(c.hostKeyAlias().orElse(c.hostName()))
                .user(c.user())
                .transportConfig(t.build());
        for (String f : c.identityFiles()) {
            b.identity(Path.of(f));
        }
        b.defaultIdentities(c.identityFiles().isEmpty());
        String agent = c.identityAgent().orElse("SSH_AUTH_SOCK");
        if (!c.identitiesOnly() && !agent.equals("none")) {
            String socket = agent.equals("SSH_AUTH_SOCK") ? System.getenv("SSH_AUTH_SOCK") : agent;
            if (socket != null && !socket.isEmpty()) {
                b.agent(Path.of(socket));
            }
        }
        return b.build();
    }

    private static HostKeyVerifier verifierFor(ResolvedSshConfig c) {
        Path user = KnownHostsVerifier.userKnownHosts();
        List<Path> files = paths(c.userKnownHostsFiles(), List.of(user, user.resolveSibling("known_hosts2")));
        List<Path> global = paths(c.globalKnownHostsFiles(),
                List.of(Path.of("/etc/ssh/ssh_known_hosts"), Path.of("/etc/ssh/ssh_known_hosts2")));
        if (c.strictHostKeyChecking().orElse(StrictHostKeyChecking.ASK) == StrictHostKeyChecking.ACCEPT_NEW
                && !files.isEmpty()) {
            List<Path> also = new ArrayList<>(files.subList(1, files.size()));
            also.addAll(global);
            return TrustOnFirstUseVerifier.acceptNewAndRecord(files.get(0), also.toArray(Path[]::new));
        }
        List<Path> all = new ArrayList<>(files);
        all.addAll(global);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("ssh_config host \"" + c.originalHost()
                    + "\": no known_hosts file to check host keys against");
        }
        return KnownHostsVerifier.of(all.toArray(Path[]::new));
    }

    private static List<Path> paths(List<String> configured, List<Path> defaults) {
        if (configured.isEmpty()) {
            return defaults;
        }
        List<Path> out = new ArrayList<>();
        for (String f : configured) {
            if (!f.equals("none")) {
                out.add(Path.of(f));
            }
        }
        return out;
    }
}
