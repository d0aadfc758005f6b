// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.CommandHop;
import dev.fumidai.Target;
import dev.fumidai.spi.AuditEmitter;
import dev.fumidai.spi.HopContext;
import dev.fumidai.spi.HopSession;
import dev.fumidai.spi.StreamOpener;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.transport.SshTransportReadyEvent;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs OpenSSH's {@code sshd -i} (inetd mode, no port) through core's {@link CommandHop}, the way OpenSSH's own
 * regress suite uses it as a ProxyCommand, and installs our SSH transport on the stream channel the command hop
 * opens: a hop's output is the next hop's input, with no socket in between.
 */
@Tag("interop")
class OpenSshInetdInteropTest {

    @TempDir
    Path dir;

    /** Gives the command hop what it uses: an event loop group and connection ids. */
    record TestContext(EventLoopGroup eventLoopGroup) implements HopContext {
        @Override
        public int hopIndex() {
            return 0;
        }

        @Override
        public StreamOpener upstream() {
            throw new UnsupportedOperationException("a command hop has no upstream");
        }

        @Override
        public AuditEmitter audit() {
            throw new UnsupportedOperationException("not audited in this test");
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public Duration connectTimeout() {
            return Duration.ofSeconds(10);
        }

        @Override
        public Duration handshakeTimeout() {
            return Duration.ofSeconds(30);
        }

        @Override
        public String newConnectionId() {
            return "c-test";
        }
    }

    @Test
    void handshakeOverSshdInInetdModeOnACommandHopStream() throws Exception {
        ExternalServer.requireExecutable(OpenSshInteropTest.SSHD);
        Path key = dir.resolve("ssh_host_ed25519_key");
        ExternalServer.run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString());
        String fingerprint = dev.fumidai.ssh.internal.keys.SshPublicKeys.parseText(
                Files.readString(dir.resolve("ssh_host_ed25519_key.pub"))).fingerprint();
        Path cfg = dir.resolve("sshd_config");
        Files.writeString(cfg, String.join("\n", List.of("HostKey " + key, "UsePAM no", "StrictModes no",
                "PidFile none", "LogLevel ERROR")) + "\n");
        List<String> argv = new ArrayList<>(OpenSshInteropTest.sshdCommand(OpenSshInteropTest.SSHD + " -i -f " + cfg));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            HopSession session = CommandHop.of(argv).named("sshd-i").connect(new TestContext(group))
                    .get(10, TimeUnit.SECONDS);
            Channel stream = session.open(Target.of("inetd", 22)).get(10, TimeUnit.SECONDS);
            try (SshTestClient client = new SshTestClient().attach(stream, "inetd", 22, SshTransportConfig.defaults(),
                    check -> {
                        if (!dev.fumidai.ssh.internal.keys.SshPublicKeys.fingerprint(check.hostKeyBlob())
                                .equals(fingerprint)) {
                            throw new dev.fumidai.ssh.HostKeyVerificationException(
                                    dev.fumidai.ssh.HostKeyVerificationException.Kind.MISMATCH, "not the test key");
                        }
                        return new dev.fumidai.ssh.HostKeyVerdict(dev.fumidai.audit.VerifiedBy.PINNED, fingerprint,
                                false);
                    })) {
                SshTransportReadyEvent ready = client.awaitReady();
                assertTrue(ready.serverVersion().startsWith("SSH-2.0-OpenSSH_"), ready.serverVersion());
                assertTrue(ready.algorithms().strictKex());
                assertEquals(51, client.tryNoneAuth("nobody"));
            }
            session.close().get(10, TimeUnit.SECONDS);
            assertTrue(stream.closeFuture().await(10, TimeUnit.SECONDS), "stream closed with the session");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }
}
