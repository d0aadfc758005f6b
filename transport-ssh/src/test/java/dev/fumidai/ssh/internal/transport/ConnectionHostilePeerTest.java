// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopDisconnectedException;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.connection.ChannelDataMessage;
import dev.fumidai.ssh.internal.connection.ChannelOpenConfirmationMessage;
import dev.fumidai.ssh.internal.connection.ChannelOpenDirectTcpipMessage;
import dev.fumidai.ssh.internal.connection.ChannelWindowAdjustMessage;
import dev.fumidai.ssh.internal.connection.SshConnection;
import dev.fumidai.ssh.internal.connection.SshConnectionConfig;
import dev.fumidai.ssh.internal.message.DisconnectMessage;
import dev.fumidai.spi.StreamChannels;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Plays a hostile server against transport + connection layer (security-checklist R24): a violation found by
 * the connection layer makes the transport send SSH_MSG_DISCONNECT with PROTOCOL_ERROR, and every channel
 * closes with a cause naming the hop.
 */
class ConnectionHostilePeerTest {

    /** Runs the handshake, swaps the recorder for the connection layer, opens and confirms one channel. */
    static Channel openChannel(ScriptedServer s, SshConnectionConfig config, long window) throws Exception {
        s.handshake(true);
        s.pump();
        assertTrue(s.ready.isSuccess(), () -> "transport ready: " + s.ready.cause());
        s.client.pipeline().remove(PipelineNames.USERAUTH);
        SshConnection connection = SshConnection.install(s.client, config);
        CompletableFuture<Channel> f = connection.openDirectTcpip("db", 5432, "127.0.0.1", 1);
        ByteBuf open = s.nextFromClient();
        assertNotNull(open, "CHANNEL_OPEN sent");
        int id = ChannelOpenDirectTcpipMessage.decode(open).senderChannel();
        open.release();
        s.send(b -> new ChannelOpenConfirmationMessage(id, 100, window, 32768).encode(b));
        s.pump();
        assertTrue(f.isDone(), "open confirmed");
        return f.get();
    }

    static void assertDisconnectedWithProtocolError(ScriptedServer s, Channel ch, String expected) throws Exception {
        ByteBuf b;
        int reason = -1;
        while ((b = s.nextFromClient()) != null) {
            if (b.getUnsignedByte(b.readerIndex()) == 1) {
                reason = DisconnectMessage.decode(b).reasonCode();
            }
            b.release();
        }
        Throwable why = ch.attr(StreamChannels.CLOSE_CAUSE).get();
        assertEquals(DisconnectMessage.PROTOCOL_ERROR, reason, () -> "DISCONNECT with PROTOCOL_ERROR sent; client open "
                + s.client.isOpen() + ", channel open " + ch.isOpen() + ", cause " + why + ", upper " + s.upperLayer);
        assertFalse(s.client.isOpen());
        assertFalse(ch.isOpen());
        Throwable cause = ch.attr(StreamChannels.CLOSE_CAUSE).get();
        assertInstanceOf(HopDisconnectedException.class, cause);
        assertTrue(cause.getMessage().contains("scripted"), cause.getMessage());
        assertTrue(cause.getMessage().contains(expected), cause.getMessage());
    }

    @Test
    void dataBeyondTheWindowDisconnects() throws Exception {
        try (ScriptedServer s = new ScriptedServer(SshTransportConfig.defaults())) {
            Channel ch = openChannel(s, SshConnectionConfig.defaults("ignored").withWhere("ssh hop \"scripted\"")
                    .withInitialWindowSize(1000), 1000);
            Consumer<ByteBuf> data = b -> new ChannelDataMessage(0, new byte[600]).encode(b);
            s.send(data);
            s.send(data);
            assertDisconnectedWithProtocolError(s, ch, "beyond our window");
        }
    }

    @Test
    void windowOverflowDisconnects() throws Exception {
        try (ScriptedServer s = new ScriptedServer(SshTransportConfig.defaults())) {
            Channel ch = openChannel(s, SshConnectionConfig.defaults("ssh hop \"scripted\""), 0xFFFF_FFF0L);
            s.send(b -> new ChannelWindowAdjustMessage(0, 0x20).encode(b));
            assertDisconnectedWithProtocolError(s, ch, "overflows");
        }
    }

    @Test
    void dataForAnUnknownChannelDisconnects() throws Exception {
        try (ScriptedServer s = new ScriptedServer(SshTransportConfig.defaults())) {
            Channel ch = openChannel(s, SshConnectionConfig.defaults("ssh hop \"scripted\""), 1000);
            s.send(b -> new ChannelDataMessage(99, new byte[1]).encode(b));
            assertDisconnectedWithProtocolError(s, ch, "unknown channel 99");
        }
    }
}
