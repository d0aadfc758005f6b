// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import dev.fumidai.ssh.HostKeyVerifier;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.spi.StreamChannels;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.Future;
import java.util.concurrent.Executor;

/**
 * Installs the SSH client transport handlers on a channel, in the order of {@link PipelineNames}. The
 * channel may be a socket or the child channel of a previous hop; the version line is sent as soon as the
 * channel is active.
 *
 * <p>Turns {@code autoRead} on: stream channels of a previous hop are handed out with it off.
 *
 * <p>The next layer adds its handler after {@link PipelineNames#TRANSPORT}, waits for the returned future
 * (or the {@link SshTransportReadyEvent}), then reads payload {@code ByteBuf}s starting with a message number
 * of 50 or more and writes payloads the same way.
 */
public final class SshClientTransport {

    /**
     * Runs host-key verifiers when the caller gives no executor: two daemon threads, shared, so a verifier
     * reading files never blocks an event loop (security-checklist H1, STYLE.md rule 10).
     */
    private static final java.util.concurrent.ExecutorService SHARED_VERIFIER_EXECUTOR =
            java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "fumidai-ssh-hostkey");
                t.setDaemon(true);
                return t;
            });

    /** Largest read from the hop's TCP socket; see {@link #install}. */
    static final int MAX_SOCKET_READ = 256 * 1024;

    private SshClientTransport() {
    }

    /** Installs the handlers like {@link #install(Channel, SshTransportConfig, String, int, String,
     * HostKeyVerifier, Executor)}, verifying host keys on a small shared executor. */
    public static Future<SshTransportReadyEvent> install(Channel channel, SshTransportConfig config, String hostName,
            int port, String where, HostKeyVerifier verifier) {
        return install(channel, config, hostName, port, where, verifier, SHARED_VERIFIER_EXECUTOR);
    }

    /**
     * Adds the version exchange, packet codec and transport handlers to the channel's pipeline.
     *
     * @return the future completed once {@code ssh-userauth} is requested and user authentication may start (see
     *     {@link SshTransportReadyEvent})
     */
    public static Future<SshTransportReadyEvent> install(Channel channel, SshTransportConfig config, String hostName,
            int port, String where, HostKeyVerifier verifier, Executor verifierExecutor) {
        SshTransportHandler transport =
                new SshTransportHandler(config, hostName, port, where, verifier, verifierExecutor);
        if (channel instanceof io.netty.channel.socket.SocketChannel) {
            // Reads of up to 256 KiB instead of Netty's 64 KiB: a download of 32 KiB packets then takes fewer
            // recv calls, and the relay writes more packets per flush to the local socket (issue #14).
            // Each read loop also tells the receive windows how long the socket had been dry before it (ReadBacklog).
            channel.config().setRecvByteBufAllocator(new BacklogRecordingAllocator(
                    new AdaptiveRecvByteBufAllocator(64, 2048, MAX_SOCKET_READ)));
            // ACKs at once while the server owes us an answer, so its Nagle does not hold the answer back (issue #14).
            channel.pipeline().addLast(PipelineNames.PROMPT_ACKS, new PromptAcks());
        }
        ChannelPipeline p = channel.pipeline();
        p.addLast(PipelineNames.VERSION_EXCHANGE, new SshVersionExchangeHandler(config.clientVersionLine()));
        p.addLast(PipelineNames.PACKET_CODEC, new SshPacketCodec());
        p.addLast(PipelineNames.TRANSPORT, transport);
        // Bytes that arrived before these handlers (the server's version line on a fast TCP connect) wait in
        // the core's holding handler: replay them now (StreamChannels contract; a no-op without one).
        StreamChannels.release(channel);
        // A stream channel of a previous hop is handed out with autoRead off (StreamChannels contract); the
        // transport must read to make progress. Upper layers may turn it off again for back-pressure.
        channel.config().setAutoRead(true);
        return transport.readyFuture();
    }
}
