// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.internal.keys.PlainSshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.ssh.internal.keys.SshSignatures;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the agent client against a scripted agent on a Unix domain socket in this JVM: well-formed answers,
 * then the answers a broken or hostile agent could give (failure, oversized, truncated, wrong algorithm).
 */
class SshAgentClientTest {

    @TempDir
    Path dir;

    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    /** Serves one connection: reads one request and writes what {@code reply} returns for it (raw bytes). */
    private Future<byte[]> serveOnce(Path socket, Function<byte[], byte[]> reply) throws Exception {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return executor.submit(() -> {
            try (server; SocketChannel c = server.accept()) {
                ByteBuffer len = ByteBuffer.allocate(4);
                while (len.hasRemaining()) {
                    c.read(len);
                }
                ByteBuffer body = ByteBuffer.allocate(len.flip().getInt());
                while (body.hasRemaining()) {
                    c.read(body);
                }
                c.write(ByteBuffer.wrap(reply.apply(body.array())));
                return body.array();
            }
        });
    }

    private static byte[] framed(byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    private static byte[] message(int type, byte[]... strings) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeByte(type);
        for (byte[] s : strings) {
            out.writeInt(s.length);
            out.write(s);
        }
        return b.toByteArray();
    }

    @Test
    void signsAndSendsTheRsaFlag() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        PlainSshPublicKey key = SshPublicKeys.fromJavaKey(pair.getPublic());
        byte[] data = {9, 8, 7};
        byte[] blob = SshSignatures.sign(pair.getPrivate(), "rsa-sha2-512", data);
        Path socket = dir.resolve("a.sock");
        Future<byte[]> request = serveOnce(socket, r -> {
            try {
                return framed(message(SshAgentClient.SSH_AGENT_SIGN_RESPONSE, blob));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] signature = SshAgentClient.of(socket).sign(key, "rsa-sha2-512", data);
        assertTrue(key.verify("rsa-sha2-512", data, signature));
        byte[] sent = request.get(10, TimeUnit.SECONDS);
        assertEquals(SshAgentClient.SSH_AGENTC_SIGN_REQUEST, sent[0]);
        assertEquals(SshAgentClient.SSH_AGENT_RSA_SHA2_512, ByteBuffer.wrap(sent, sent.length - 4, 4).getInt());
    }

    @Test
    void parsesIdentitiesAndSkipsUnsupportedTypes() throws Exception {
        PlainSshPublicKey ed = SshPublicKeys.fromJavaKey(KeyPairGenerator.getInstance("Ed25519").generateKeyPair()
                .getPublic());
        byte[] dss = message(0, "ssh-dss".getBytes()); // a type we cannot parse; skipped
        Path socket = dir.resolve("b.sock");
        serveOnce(socket, r -> {
            try {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(b);
                out.writeByte(SshAgentClient.SSH_AGENT_IDENTITIES_ANSWER);
                out.writeInt(2);
                out.writeInt(ed.encoded().length);
                out.write(ed.encoded());
                out.writeInt(4);
                out.writeBytes("mine");
                out.writeInt(dss.length - 1);
                out.write(dss, 1, dss.length - 1);
                out.writeInt(0);
                return framed(b.toByteArray());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<AgentIdentity> ids = SshAgentClient.of(socket).identities();
        assertEquals(List.of(new AgentIdentity(ed, "mine")), ids);
    }

    @Test
    void hostileOrBrokenAnswersFailWithClearErrors() throws Exception {
        PlainSshPublicKey ed = SshPublicKeys.fromJavaKey(KeyPairGenerator.getInstance("Ed25519").generateKeyPair()
                .getPublic());
        byte[][] answers = {
            framed(new byte[] {SshAgentClient.SSH_AGENT_FAILURE}),
            ByteBuffer.allocate(4).putInt(SshAgentClient.MAX_MESSAGE_LENGTH + 1).array(),
            ByteBuffer.allocate(4).putInt(-1).array(),
            ByteBuffer.allocate(6).putInt(10).put((byte) 14).put((byte) 0).array(), // truncated, then EOF
            framed(message(SshAgentClient.SSH_AGENT_SIGN_RESPONSE, SshSignatures.encodeBlob("ssh-rsa", new byte[8]))),
            framed(new byte[] {SshAgentClient.SSH_AGENT_SIGN_RESPONSE, 0, 0, 0, 50}),
        };
        String[] expected = {"refused", "limit", "limit", "closed", "instead of", "truncated"};
        for (int i = 0; i < answers.length; i++) {
            Path socket = dir.resolve("h" + i + ".sock");
            byte[] answer = answers[i];
            serveOnce(socket, r -> answer);
            SshAgentException e = assertThrows(SshAgentException.class,
                    () -> SshAgentClient.of(socket).sign(ed, "ssh-ed25519", new byte[] {1}));
            assertTrue(e.getMessage().contains(expected[i]), i + ": " + e.getMessage());
            assertTrue(e.getMessage().contains(socket.toString()), e.getMessage());
        }
    }
    /**
     * An agent that accepts the connection and never answers (a hung agent, a forwarded socket whose far end is
     * gone) ends the call after the client's timeout with an error naming the socket, instead of hanging
     * authentication forever.
     */
    @Test
    void anAgentThatNeverAnswersTimesOut() throws Exception {
        Path socket = dir.resolve("silent.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        java.util.concurrent.CountDownLatch accepted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Future<?> silent = executor.submit(() -> {
            try (server; SocketChannel c = server.accept()) {
                accepted.countDown();
                release.await(); // holds the connection open and says nothing
            }
            return null;
        });
        try {
            SshAgentClient client = SshAgentClient.of(socket, java.time.Duration.ofMillis(500));
            long start = System.nanoTime();
            SshAgentException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(20),
                    () -> assertThrows(SshAgentException.class, client::identities));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(accepted.await(5, TimeUnit.SECONDS), "the agent accepted the connection");
            assertTrue(e.getMessage().contains("did not answer within 500 ms"), e.getMessage());
            assertTrue(e.getMessage().contains(socket.toString()), e.getMessage());
            assertTrue(tookMillis >= 400, "waited for the timeout: " + tookMillis + " ms");
        } finally {
            release.countDown();
            silent.get(5, TimeUnit.SECONDS);
        }
    }
}
