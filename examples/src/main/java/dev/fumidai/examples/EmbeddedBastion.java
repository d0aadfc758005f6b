package dev.fumidai.examples;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.forward.ForwardingFilter;

/**
 * Runs an SSH bastion in this JVM for the demo (Apache MINA SSHD on 127.0.0.1): its own ECDSA host key, one
 * authorized user key, and a forwarding filter that lets {@code direct-tcpip} reach only the listed targets, the
 * way {@code PermitOpen} does on an OpenSSH bastion.
 */
final class EmbeddedBastion implements AutoCloseable {

    private final String name;
    private final SshServer server;
    private final PublicKey hostKey;

    EmbeddedBastion(String name, PublicKey authorizedKey, Set<String> permitOpen) throws IOException {
        this.name = name;
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance("EC").generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.hostKey = pair.getPublic();
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(List.of(pair)));
        server.setPublickeyAuthenticator((user, key, session) -> "ops".equals(user) && authorizedKey.equals(key));
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
                return permitOpen.contains(address.getHostName() + ":" + address.getPort());
            }
        });
        server.start();
    }

    String name() {
        return name;
    }

    /**
     * Also lets {@code user} in with {@code password}, by {@code password} and by {@code keyboard-interactive}
     * (MINA's default interactive authenticator asks one "Password:" prompt and checks it the same way).
     */
    void allowPassword(String user, String password) {
        server.setPasswordAuthenticator((u, p, session) -> user.equals(u) && password.equals(p));
        // The server chose its methods when it started, without password: offer it now as well.
        server.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE,
                UserAuthKeyboardInteractiveFactory.INSTANCE, UserAuthPasswordFactory.INSTANCE));
    }

    int port() {
        return ((InetSocketAddress) server.getBoundAddresses().iterator().next()).getPort();
    }

    /** Returns the known_hosts line for this bastion under its logical name: {@code [name]:port ecdsa-sha2-nistp256 ...}. */
    String knownHostsLine() {
        return "[" + name + "]:" + port() + " " + openSshPublicKey(hostKey);
    }

    /** Encodes a P-256 public key as OpenSSH writes it (RFC 5656 §3.1): type, curve name, uncompressed point. */
    static String openSshPublicKey(PublicKey key) {
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
            throw new IllegalStateException(e);
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

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
