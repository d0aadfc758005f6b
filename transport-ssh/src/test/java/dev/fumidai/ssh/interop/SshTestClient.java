// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import dev.fumidai.ssh.HostKeyVerifier;
import dev.fumidai.ssh.SshTransportConfig;
import dev.fumidai.ssh.internal.message.SshWire;
import dev.fumidai.ssh.internal.transport.PipelineNames;
import dev.fumidai.ssh.internal.transport.SshClientTransport;
import dev.fumidai.ssh.internal.transport.SshTransportHandler;
import dev.fumidai.ssh.internal.transport.SshTransportReadyEvent;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Connects our SSH transport to a real server for interop tests and records what arrives above it. */
final class SshTestClient implements AutoCloseable {

    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final ExecutorService verifierExecutor = Executors.newSingleThreadExecutor();
    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    Channel channel;
    io.netty.util.concurrent.Future<SshTransportReadyEvent> ready;

    /** Connects and installs the pipeline; returns when the TCP connection is up. */
    SshTestClient connect(String host, int port, SshTransportConfig config, HostKeyVerifier verifier)
            throws InterruptedException {
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ready = SshClientTransport.install(ch, config, host, port, "ssh hop \"test\" " + host + ":" + port,
                                verifier, verifierExecutor);
                        ch.pipeline().addLast(PipelineNames.USERAUTH, new Recorder());
                    }
                });
        channel = b.connect(host, port).sync().channel();
        return this;
    }

    /** Installs the pipeline on a channel that already exists, e.g. a stream of a previous hop. */
    SshTestClient attach(Channel existing, String host, int port, SshTransportConfig config, HostKeyVerifier verifier)
            throws Exception {
        channel = existing;
        existing.eventLoop().submit(() -> {
            ready = SshClientTransport.install(existing, config, host, port, "ssh hop \"test\" " + host + ":" + port,
                    verifier, verifierExecutor);
            existing.pipeline().addLast(PipelineNames.USERAUTH, new Recorder());
        }).get(10, TimeUnit.SECONDS);
        return this;
    }

    /** Waits for the transport to be ready; rethrows its failure. */
    SshTransportReadyEvent awaitReady() throws Exception {
        if (!ready.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("transport not ready within 30 s");
        }
        if (!ready.isSuccess()) {
            throw (Exception) ready.cause();
        }
        return ready.getNow();
    }

    /** Sends SSH_MSG_USERAUTH_REQUEST with method "none" (RFC 4252 §5.2) and returns the answer's number. */
    int tryNoneAuth(String user) throws InterruptedException {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(50);
        SshWire.writeString(b, user);
        SshWire.writeString(b, "ssh-connection");
        SshWire.writeString(b, "none");
        channel.writeAndFlush(b);
        Object answer = received.poll(30, TimeUnit.SECONDS);
        if (answer == null) {
            throw new AssertionError("no answer to the none auth request");
        }
        if (answer instanceof Throwable t) {
            throw new AssertionError("transport failed", t);
        }
        return (Integer) answer;
    }

    /**
     * Authenticates with an Ed25519 key by hand (RFC 4252 §7), as the next issue's user-auth layer will;
     * returns the answer's message number (52 is USERAUTH_SUCCESS).
     */
    int authenticateEd25519(String user, java.security.KeyPair key, byte[] sessionId) throws Exception {
        byte[] blob = dev.fumidai.ssh.internal.keys.SshPublicKeys.fromJavaKey(key.getPublic()).encoded();
        ByteBuf request = Unpooled.buffer();
        request.writeByte(50);
        SshWire.writeString(request, user);
        SshWire.writeString(request, "ssh-connection");
        SshWire.writeString(request, "publickey");
        SshWire.writeBoolean(request, true);
        SshWire.writeString(request, "ssh-ed25519");
        SshWire.writeString(request, blob);
        ByteBuf signed = Unpooled.buffer();
        SshWire.writeString(signed, sessionId);
        signed.writeBytes(request, 0, request.writerIndex());
        java.security.Signature s = java.security.Signature.getInstance("Ed25519");
        s.initSign(key.getPrivate());
        s.update(io.netty.buffer.ByteBufUtil.getBytes(signed));
        signed.release();
        ByteBuf sig = Unpooled.buffer();
        SshWire.writeString(sig, "ssh-ed25519");
        SshWire.writeString(sig, s.sign());
        SshWire.writeString(request, io.netty.buffer.ByteBufUtil.getBytes(sig));
        sig.release();
        channel.writeAndFlush(request);
        Object answer = received.poll(30, TimeUnit.SECONDS);
        if (!(answer instanceof Integer number)) {
            throw new AssertionError("no answer to the publickey request: " + answer);
        }
        if (number == 52) {
            // As the real user-auth handler does: the transport counts as authenticated only when told so.
            channel.eventLoop().submit(() -> transport().userAuthSucceeded()).get(5, TimeUnit.SECONDS);
        }
        return number;
    }

    SshTransportHandler transport() {
        return (SshTransportHandler) channel.pipeline().get(PipelineNames.TRANSPORT);
    }

    @Override
    public void close() throws InterruptedException {
        if (channel != null) {
            channel.close().await(5, TimeUnit.SECONDS);
        }
        verifierExecutor.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    /** Records the message number of each payload passed up, and failures. */
    final class Recorder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            received.add((int) b.getUnsignedByte(b.readerIndex()));
            b.release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            received.add(cause);
        }
    }
}
