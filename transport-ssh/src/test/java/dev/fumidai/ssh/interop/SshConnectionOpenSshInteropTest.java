// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.TargetUnreachableException;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.connection.ExitStatus;
import dev.fumidai.ssh.internal.connection.SshChannel;
import dev.fumidai.ssh.internal.connection.SshConnection;
import dev.fumidai.ssh.internal.connection.SshConnectionConfig;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import dev.fumidai.ssh.internal.transport.PipelineNames;
import dev.fumidai.ssh.internal.transport.SshTransportReadyEvent;
import dev.fumidai.spi.StreamChannels;
import dev.fumidai.testing.EchoServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the SSH connection layer (RFC 4254) against the system's OpenSSH {@code sshd}: exec with exit status,
 * {@code direct-streamlocal@openssh.com} to a Unix-socket echo server, a {@code permitopen} denial with the
 * server's reason (security-checklist R27, the authorized_keys form of {@code PermitOpen}), and keepalive probes answered by a real server. User
 * authentication is done by hand with an Ed25519 key until the auth layer exists.
 */
@Tag("interop")
class SshConnectionOpenSshInteropTest {

    @TempDir
    static Path dir;
    static ExternalServer server;
    static EchoServer echo;
    static EchoServer unixEcho;
    static KeyPair userKey;
    /** A key whose authorized_keys line says {@code permitopen="127.0.0.1:1"}: every other target is denied. */
    static KeyPair restrictedKey;
    static Path socket;

    @BeforeAll
    static void start() throws Exception {
        userKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path authorized = dir.resolve("authorized_keys");
        restrictedKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.writeString(authorized, SshPublicKeys.toText(SshPublicKeys.fromJavaKey(userKey.getPublic())) + "\n"
                + "permitopen=\"127.0.0.1:1\" "
                + SshPublicKeys.toText(SshPublicKeys.fromJavaKey(restrictedKey.getPublic())) + "\n");
        echo = EchoServer.start();
        socket = dir.resolve("echo.sock");
        unixEcho = EchoServer.startUnix(socket);
        server = OpenSshInteropTest.startSshd(dir, List.of("AuthorizedKeysFile " + authorized,
                "PermitRootLogin prohibit-password", "AllowStreamLocalForwarding yes", "AllowTcpForwarding yes"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (echo != null) {
            echo.close();
        }
        if (unixEcho != null) {
            unixEcho.close();
        }
    }

    /** Connects, authenticates with the Ed25519 key, and installs the connection layer. */
    static SshConnection connect(SshTestClient client, SshConnectionConfig config) throws Exception {
        return connect(client, config, userKey);
    }

    static SshConnection connect(SshTestClient client, SshConnectionConfig config, KeyPair key) throws Exception {
        client.connect("127.0.0.1", server.port, SshTransportConfig.defaults(), OpenSshInteropTest.pinned());
        SshTransportReadyEvent ready = client.awaitReady();
        assertEquals(52, client.authenticateEd25519(System.getProperty("user.name"), key, ready.sessionId()),
                () -> "USERAUTH_SUCCESS expected; server log:\n" + OpenSshInteropTest.tail(server.logText()));
        return client.channel.eventLoop().submit(() -> {
            client.channel.pipeline().remove(PipelineNames.USERAUTH);
            return SshConnection.install(client.channel, config);
        }).get(10, TimeUnit.SECONDS);
    }

    /** Collects what a channel reads until EOF. */
    static final class Collect extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final CompletableFuture<byte[]> done = new CompletableFuture<>();

        static Collect on(Channel ch) {
            Collect c = new Collect();
            ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            ch.pipeline().addLast(c);
            StreamChannels.release(ch);
            ch.config().setAutoRead(true);
            return c;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.writeBytes(bytes);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE) {
                done.complete(out.toByteArray());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.complete(out.toByteArray());
        }
    }

    @Test
    void execReportsOutputAndExitStatus() throws Exception {
        try (SshTestClient client = new SshTestClient()) {
            SshConnection connection = connect(client, SshConnectionConfig.defaults("openssh"));
            SshChannel session = connection.openSession().get(30, TimeUnit.SECONDS);
            Collect c = Collect.on(session);
            session.exec("echo hi; exit 7").get(30, TimeUnit.SECONDS);
            ExitStatus status = session.exitStatus().get(30, TimeUnit.SECONDS);
            assertEquals(7, status.status().getAsInt());
            assertEquals("hi\n", new String(c.done.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        }
    }

    @Test
    void directTcpipEchoesWithHalfClose() throws Exception {
        try (SshTestClient client = new SshTestClient()) {
            SshConnection connection = connect(client, SshConnectionConfig.defaults("openssh"));
            Channel ch = connection.openDirectTcpip("127.0.0.1", echo.port(), "127.0.0.1", 1)
                    .get(30, TimeUnit.SECONDS);
            Collect c = Collect.on(ch);
            byte[] data = new byte[3 * 1024 * 1024];
            new java.util.Random(7).nextBytes(data);
            ch.writeAndFlush(Unpooled.wrappedBuffer(data));
            ((DuplexChannel) ch).shutdownOutput();
            assertArrayEquals(data, c.done.get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void directStreamlocalReachesAUnixSocket() throws Exception {
        try (SshTestClient client = new SshTestClient()) {
            SshConnection connection = connect(client, SshConnectionConfig.defaults("openssh"));
            Channel ch;
            try {
                ch = connection.openDirectStreamlocal(socket.toString()).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError("server log:\n" + OpenSshInteropTest.tail(server.logText()), e);
            }
            Collect c = Collect.on(ch);
            ch.writeAndFlush(Unpooled.copiedBuffer("over a unix socket", StandardCharsets.UTF_8));
            ((DuplexChannel) ch).shutdownOutput();
            assertEquals("over a unix socket", new String(c.done.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        }
    }

    @Test
    void permitOpenDenialCarriesTheServersReason() throws Exception {
        try (SshTestClient client = new SshTestClient()) {
            SshConnection connection = connect(client, SshConnectionConfig.defaults("openssh"), restrictedKey);
            ExecutionException e = assertThrows(ExecutionException.class, () -> connection
                    .openDirectTcpip("127.0.0.1", echo.port(), "127.0.0.1", 1).get(30, TimeUnit.SECONDS));
            TargetUnreachableException t = assertInstanceOf(TargetUnreachableException.class, e.getCause());
            assertTrue(t.getMessage().contains("administratively prohibited (code 1)"), t.getMessage());
            assertTrue(connection.isOpen());
        }
    }

    @Test
    void keepaliveProbesAreAnsweredByARealServer() throws Exception {
        try (SshTestClient client = new SshTestClient()) {
            SshConnection connection = connect(client, SshConnectionConfig.defaults("openssh")
                    .withKeepalive(Duration.ofMillis(200), 2));
            // Ten intervals of silence from our side: a server answering every probe keeps the connection.
            Thread.sleep(2000);
            assertTrue(connection.isOpen());
            SshChannel session = connection.openSession().get(30, TimeUnit.SECONDS);
            session.exec("true").get(30, TimeUnit.SECONDS);
            assertEquals(0, session.exitStatus().get(30, TimeUnit.SECONDS).status().getAsInt());
        }
    }
}
