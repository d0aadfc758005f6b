package dev.fumidai.ssh.internal.transport;

import dev.fumidai.ssh.HostKeyVerifier;
import dev.fumidai.ssh.SshTransportConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.Future;
import java.util.concurrent.Executor;

/**
 * Installs the SSH client transport handlers on a channel, in the order of {@link PipelineNames}. The
 * channel may be a socket or the child channel of a previous hop; the version line is sent as soon as the
 * channel is active.
 *
 * <p>The next layer adds its handler after {@link PipelineNames#TRANSPORT}, waits for the returned future
 * (or the {@link SshTransportReadyEvent}), then reads payload {@code ByteBuf}s starting with a message number
 * of 50 or more and writes payloads the same way.
 */
public final class SshClientTransport {

    private SshClientTransport() {
    }

    /**
     * Adds the version exchange, packet codec and transport handlers to the channel's pipeline.
     *
     * @return the future completed once {@code ssh-userauth} is accepted
     */
    public static Future<SshTransportReadyEvent> install(Channel channel, SshTransportConfig config, String hostName,
            int port, String where, HostKeyVerifier verifier, Executor verifierExecutor) {
        SshTransportHandler transport =
                new SshTransportHandler(config, hostName, port, where, verifier, verifierExecutor);
        ChannelPipeline p = channel.pipeline();
        p.addLast(PipelineNames.VERSION_EXCHANGE, new SshVersionExchangeHandler(config.clientVersionLine()));
        p.addLast(PipelineNames.PACKET_CODEC, new SshPacketCodec());
        p.addLast(PipelineNames.TRANSPORT, transport);
        return transport.readyFuture();
    }
}
