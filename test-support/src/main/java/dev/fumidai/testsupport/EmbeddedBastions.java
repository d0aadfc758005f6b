// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.testsupport;

import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.ssh.KnownHostsVerifier;
import dev.fumidai.ssh.SshHop;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.forward.ForwardingFilter;

/**
 * Runs a chain of SSH bastions in this JVM (Apache MINA SSHD on 127.0.0.1, ephemeral ports) for tests of code
 * that tunnels: bastion {@code i+1} is reachable only through bastion {@code i}, each bastion may open only its
 * {@code PermitOpen}-style targets, the host keys are written to a known_hosts file, one client key is
 * authorized on every bastion, and an ssh_config file names every bastion as an alias (the last alias is the
 * whole chain through {@code ProxyJump}).
 *
 * <pre>{@code
 * try (EmbeddedBastions b = EmbeddedBastions.builder()
 *         .bastion("bastion-1")                              // may open bastion-2 only
 *         .bastion("bastion-2", "127.0.0.1:" + dbPort)       // may open the database only
 *         .start();
 *      JumpHost jh = JumpHost.builder().route(b.route()).actor("test").build()) {
 *     ...
 * }
 * }</pre>
 *
 * <h2>Threading</h2>
 * Thread-safe once started. {@link #close()} stops every bastion and deletes the files.
 */
public final class EmbeddedBastions implements AutoCloseable {

    private final String user;
    private final Path directory;
    private final boolean ownsDirectory;
    private final List<Bastion> bastions;
    private final Path clientKey;
    private final PublicKey clientPublicKey;
    private final Path knownHosts;
    private final Path sshConfig;

    private EmbeddedBastions(Builder b) throws IOException {
        if (b.names.isEmpty()) {
            throw new IllegalStateException("at least one bastion is required");
        }
        this.user = b.user;
        this.ownsDirectory = b.directory == null;
        this.directory = ownsDirectory ? Files.createTempDirectory("fumidai-bastions") : b.directory;
        KeyPair userKey = newEcKey();
        this.clientPublicKey = userKey.getPublic();
        // PKCS#8 PEM, as many tools write it; SshHop.identity and ssh_config IdentityFile read it.
        this.clientKey = Files.writeString(directory.resolve("id_ecdsa"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(userKey.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        // Owner-only, as ssh-keygen writes keys: a key file open to others is refused, as OpenSSH refuses it.
        Files.setPosixFilePermissions(clientKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        List<Bastion> started = new ArrayList<>();
        try {
            // Started last to first: each bastion but the last may open the one after it.
            Bastion next = null;
            for (int i = b.names.size() - 1; i >= 0; i--) {
                Set<String> permit = new LinkedHashSet<>(b.permits.get(i));
                if (next != null) {
                    permit.add("127.0.0.1:" + next.port());
                }
                next = Bastion.start(b.names.get(i), user, userKey.getPublic(), permit);
                started.add(0, next);
            }
        } catch (IOException | RuntimeException e) {
            for (Bastion s : started) {
                s.close();
            }
            throw e;
        }
        this.bastions = List.copyOf(started);
        List<String> lines = new ArrayList<>();
        for (Bastion s : bastions) {
            // Under its name (the hop name a Route from route() checks) and under 127.0.0.1 (the HostName of the
            // ssh_config aliases).
            lines.add(s.knownHostsLine());
            lines.add(s.knownHostsLine().replace("[" + s.name() + "]:", "[127.0.0.1]:"));
        }
        this.knownHosts = Files.write(directory.resolve("known_hosts"), lines);
        StringBuilder cfg = new StringBuilder();
        for (int i = 0; i < bastions.size(); i++) {
            Bastion s = bastions.get(i);
            cfg.append("Host ").append(s.name()).append('\n')
                    .append("  HostName 127.0.0.1\n")
                    .append("  Port ").append(s.port()).append('\n')
                    .append("  User ").append(user).append('\n')
                    .append("  IdentityFile ").append(clientKey).append('\n')
                    .append("  IdentitiesOnly yes\n")
                    .append("  UserKnownHostsFile ").append(knownHosts).append('\n')
                    .append("  StrictHostKeyChecking yes\n");
            if (i > 0) {
                cfg.append("  ProxyJump ").append(bastions.get(i - 1).name()).append('\n');
            }
        }
        this.sshConfig = Files.writeString(directory.resolve("ssh_config"), cfg.toString());
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the bastions, first (reachable directly) to last. */
    public List<Bastion> bastions() {
        return bastions;
    }

    /** Returns the bastion with this name. */
    public Bastion bastion(String name) {
        for (Bastion b : bastions) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        throw new IllegalArgumentException("no bastion \"" + name + "\"; bastions: " + names());
    }

    private List<String> names() {
        List<String> n = new ArrayList<>();
        bastions.forEach(b -> n.add(b.name()));
        return n;
    }

    /** Returns the user every bastion accepts. */
    public String user() {
        return user;
    }

    /** Returns the private key file (PKCS#8 PEM, unencrypted) every bastion authorizes. */
    public Path clientKey() {
        return clientKey;
    }

    /** Returns the client's public key. */
    public PublicKey clientPublicKey() {
        return clientPublicKey;
    }

    /** Returns the known_hosts file: two lines per bastion, under its name and under 127.0.0.1, with its port. */
    public Path knownHosts() {
        return knownHosts;
    }

    /**
     * Returns an ssh_config file with one {@code Host} block per bastion (HostName, Port, User, IdentityFile,
     * UserKnownHostsFile, StrictHostKeyChecking yes) and {@code ProxyJump} to the previous one, so that the last
     * bastion's name is an alias for the whole chain ({@code Route.fromSshConfig(lastName(), sshConfig())}).
     */
    public Path sshConfig() {
        return sshConfig;
    }

    /** Returns the name of the last bastion: the ssh_config alias of the whole chain. */
    public String lastName() {
        return bastions.get(bastions.size() - 1).name();
    }

    /** Returns the route through every bastion in order, verified against {@link #knownHosts()}. */
    public Route route() {
        KnownHostsVerifier verifier = KnownHostsVerifier.of(knownHosts);
        List<SshHop> hops = new ArrayList<>();
        for (Bastion b : bastions) {
            hops.add(SshHop.builder().address(Target.of("127.0.0.1", b.port())).hostKeyVerifier(verifier)
                    .name(b.name()).user(user).identity(clientKey).build());
        }
        return Route.of(hops);
    }

    /** Stops every bastion and deletes the files this object wrote. */
    @Override
    public void close() throws IOException {
        try {
            for (Bastion b : bastions) {
                b.close();
            }
        } finally {
            for (Path f : List.of(clientKey, knownHosts, sshConfig)) {
                Files.deleteIfExists(f);
            }
            if (ownsDirectory) {
                Files.deleteIfExists(directory);
            }
        }
    }

    private static KeyPair newEcKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC key pair generator", e);
        }
    }

    /** Encodes a P-256 public key as OpenSSH writes it (RFC 5656 §3.1): type, curve name, uncompressed point. */
    public static String openSshPublicKey(PublicKey key) {
        ECPublicKey ec = (ECPublicKey) key;
        byte[] x = fixed(ec.getW().getAffineX().toByteArray(), 32);
        byte[] y = fixed(ec.getW().getAffineY().toByteArray(), 32);
        byte[] point = new byte[65];
        point[0] = 4;
        System.arraycopy(x, 0, point, 1, 32);
        System.arraycopy(y, 0, point, 33, 32);
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(blob)) {
            writeString(out, "ecdsa-sha2-nistp256".getBytes(StandardCharsets.US_ASCII));
            writeString(out, "nistp256".getBytes(StandardCharsets.US_ASCII));
            writeString(out, point);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "ecdsa-sha2-nistp256 " + Base64.getEncoder().encodeToString(blob.toByteArray());
    }

    private static byte[] fixed(byte[] unsigned, int len) {
        byte[] out = new byte[len];
        int copy = Math.min(len, unsigned.length);
        System.arraycopy(unsigned, unsigned.length - copy, out, len - copy, copy);
        return out;
    }

    private static void writeString(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    /** Builds {@link EmbeddedBastions}. */
    public static final class Builder {
        private final List<String> names = new ArrayList<>();
        private final List<Set<String>> permits = new ArrayList<>();
        private String user = "ops";
        private Path directory;

        private Builder() {
        }

        /**
         * Adds a bastion after the ones added so far. It may open the next bastion (if any) and the given targets,
         * each {@code host:port} as the client names it in {@code direct-tcpip}; any other open is refused.
         */
        public Builder bastion(String name, String... permitOpen) {
            Objects.requireNonNull(name, "name");
            if (names.contains(name)) {
                throw new IllegalArgumentException("bastion \"" + name + "\" added twice");
            }
            names.add(name);
            permits.add(new LinkedHashSet<>(List.of(permitOpen)));
            return this;
        }

        /** Adds a target ({@code host:port}) the last added bastion may open. */
        public Builder permitOpen(String hostPort) {
            if (names.isEmpty()) {
                throw new IllegalStateException("add a bastion first");
            }
            permits.get(permits.size() - 1).add(Objects.requireNonNull(hostPort, "hostPort"));
            return this;
        }

        /** Sets the user name every bastion accepts (default {@code ops}). */
        public Builder user(String u) {
            this.user = Objects.requireNonNull(u, "user");
            return this;
        }

        /** Writes the key, known_hosts and ssh_config files into this directory (default: a new temporary one). */
        public Builder directory(Path dir) {
            this.directory = Objects.requireNonNull(dir, "directory");
            return this;
        }

        /** Starts the bastions and writes the files. */
        public EmbeddedBastions start() throws IOException {
            return new EmbeddedBastions(this);
        }
    }

    /** One embedded bastion: a MINA SSHD server on 127.0.0.1 with its own ECDSA P-256 host key. */
    public static final class Bastion implements AutoCloseable {
        private final String name;
        private final SshServer server;
        private final PublicKey hostKey;
        private final Set<String> permitOpen;
        private final AtomicInteger opened = new AtomicInteger();
        private final AtomicInteger refused = new AtomicInteger();

        /**
         * Starts one bastion on its own: it accepts {@code user} with {@code authorizedKey} and may open only
         * {@code permitOpen} ({@code host:port}). {@link EmbeddedBastions#builder()} makes whole chains.
         */
        public static Bastion start(String name, String user, PublicKey authorizedKey, Set<String> permitOpen)
                throws IOException {
            return new Bastion(name, user, authorizedKey, permitOpen);
        }

        private Bastion(String name, String user, PublicKey authorizedKey, Set<String> permitOpen) throws IOException {
            this.name = name;
            this.permitOpen = Collections.unmodifiableSet(new LinkedHashSet<>(permitOpen));
            KeyPair pair = newEcKey();
            this.hostKey = pair.getPublic();
            server = SshServer.setUpDefaultServer();
            server.setHost("127.0.0.1");
            server.setPort(0);
            server.setKeyPairProvider(KeyPairProvider.wrap(List.of(pair)));
            server.setPublickeyAuthenticator((u, key, session) -> user.equals(u) && authorizedKey.equals(key));
            server.setForwardingFilter(new ForwardingFilter() {
                @Override
                public boolean canForwardAgent(Session session, String requestType) {
                    return false;
                }

                @Override
                public boolean canForwardX11(Session session, String requestType) {
                    return false;
                }

                @Override
                public boolean canListen(SshdSocketAddress address, Session session) {
                    return false;
                }

                @Override
                public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
                    boolean ok = Bastion.this.permitOpen.contains(address.getHostName() + ":" + address.getPort());
                    (ok ? opened : refused).incrementAndGet();
                    return ok;
                }
            });
            server.start();
        }

        /**
         * Also lets {@code user} in with {@code password}, by {@code password} and by {@code keyboard-interactive}
         * (MINA's default interactive authenticator asks one "Password:" prompt and checks it the same way), for
         * tests of password prompts. The server chose its methods when it started, so they are set again here.
         */
        public void allowPassword(String user, String password) {
            server.setPasswordAuthenticator((u, p, session) -> user.equals(u) && password.equals(p));
            server.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE,
                    UserAuthKeyboardInteractiveFactory.INSTANCE, UserAuthPasswordFactory.INSTANCE));
        }

        /** Returns the bastion's name (its hop name and ssh_config alias). */
        public String name() {
            return name;
        }

        /** Returns the port it listens on at 127.0.0.1. */
        public int port() {
            return ((InetSocketAddress) server.getBoundAddresses().iterator().next()).getPort();
        }

        /** Returns the host key. */
        public PublicKey hostKey() {
            return hostKey;
        }

        /** Returns the targets it may open ({@code host:port}). */
        public Set<String> permitOpen() {
            return permitOpen;
        }

        /** Returns how many {@code direct-tcpip} opens it allowed. */
        public int openedCount() {
            return opened.get();
        }

        /** Returns how many {@code direct-tcpip} opens it refused. */
        public int refusedCount() {
            return refused.get();
        }

        /** Returns the known_hosts line under its name: {@code [name]:port ecdsa-sha2-nistp256 ...}. */
        public String knownHostsLine() {
            return "[" + name + "]:" + port() + " " + openSshPublicKey(hostKey);
        }

        /** Stops the server. */
        @Override
        public void close() throws IOException {
            server.stop(true);
        }
    }
}
