// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssm;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Is the reference for {@link SsmThroughputBenchmark}: the same {@value SsmBench#BYTES} bytes per operation in
 * {@value SsmBench#MESSAGE}-byte binary websocket messages over TLS on loopback, Netty client and Netty server,
 * with nothing else: no message header, digest, acknowledgements, smux or relay. {@code upload}: the client
 * sends and the server answers one byte when it has everything; {@code download}: the server sends.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 4)
@Fork(1)
public class TlsWebSocketBenchmark {

    @Param({"upload", "download"})
    public String direction;

    /**
     * Is {@code agent} to make the server send downloads as the fake agent paces them: one 1 KiB message, then
     * the next one scheduled 1 ms later. This is the pacing bound measured on the same machine in the same run.
     */
    @Param({"none", "agent"})
    public String pacing;

    private Path dir;
    private EventLoopGroup group;
    private Channel server;
    private Channel client;
    private volatile CompletableFuture<Void> done;
    private long received;

    /** Starts the server and connects the client. */
    @Setup(Level.Trial)
    public void open() throws Exception {
        dir = Files.createTempDirectory("fumidai-bench-ws");
        KeyStore ks = SsmBench.keytool(dir.resolve("ws.p12"));
        SslContext serverTls = SsmBench.server(ks);
        SslContext clientTls = SsmBench.client(ks);
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(serverTls.newHandler(ch.alloc()), new HttpServerCodec(),
                                new HttpObjectAggregator(65536), new WebSocketServerProtocolHandler("/ws"),
                                new ServerHandler());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        CompletableFuture<Void> handshake = new CompletableFuture<>();
        WebSocketClientProtocolConfig cfg = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(URI.create("wss://127.0.0.1:" + port + "/ws")).build();
        client = new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(clientTls.newHandler(ch.alloc(), "127.0.0.1", port),
                                new HttpClientCodec(), new HttpObjectAggregator(65536),
                                new WebSocketClientProtocolHandler(cfg), new ClientHandler(handshake));
                    }
                }).connect("127.0.0.1", port).sync().channel();
        handshake.get(30, TimeUnit.SECONDS);
    }

    /** Moves the bytes once. */
    @Benchmark
    public long transfer() throws Exception {
        CompletableFuture<Void> d = new CompletableFuture<>();
        done = d;
        client.eventLoop().execute(() -> {
            received = 0;
            ByteBuf header = Unpooled.buffer(9).writeByte(direction.equals("upload") ? 'U'
                            : pacing.equals("agent") ? 'P' : 'D')
                    .writeLong(SsmBench.BYTES);
            client.writeAndFlush(new BinaryWebSocketFrame(header));
            if (direction.equals("upload")) {
                new Sender(client, SsmBench.BYTES, false).run();
            }
        });
        d.get(600, TimeUnit.SECONDS);
        return SsmBench.BYTES;
    }

    /** Stops everything. */
    @TearDown(Level.Trial)
    public void close() throws Exception {
        client.close().sync();
        server.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        SsmBench.deleteTree(dir);
    }

    /** Writes {@code total} bytes as 1 KiB binary messages while the channel is writable, resuming on writability. */
    private static final class Sender implements Runnable {
        private final Channel ch;
        private final boolean paced;
        private long left;

        Sender(Channel ch, long total, boolean paced) {
            this.ch = ch;
            this.left = total;
            this.paced = paced;
        }

        @Override
        public void run() {
            if (paced) {
                int n = (int) Math.min(SsmBench.MESSAGE, left);
                ch.writeAndFlush(new BinaryWebSocketFrame(ch.alloc().buffer(n).writeZero(n)));
                left -= n;
                if (left > 0) {
                    ch.eventLoop().schedule(this, 1, TimeUnit.MILLISECONDS);
                }
                return;
            }
            while (left > 0 && ch.isWritable()) {
                int n = (int) Math.min(SsmBench.MESSAGE, left);
                ch.write(new BinaryWebSocketFrame(ch.alloc().buffer(n).writeZero(n)));
                left -= n;
            }
            ch.flush();
            if (left > 0) {
                ch.pipeline().get(Writability.class).next = this;
            }
        }
    }

    /** Resumes a {@link Sender} when the channel becomes writable again. */
    private static class Writability extends io.netty.channel.ChannelInboundHandlerAdapter {
        Runnable next;

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            Runnable r = next;
            if (r != null && ctx.channel().isWritable()) {
                next = null;
                r.run();
            }
            super.channelWritabilityChanged(ctx);
        }
    }

    private final class ClientHandler extends Writability {
        private final CompletableFuture<Void> handshake;

        ClientHandler(CompletableFuture<Void> handshake) {
            this.handshake = handshake;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                handshake.complete(null);
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            WebSocketFrame f = (WebSocketFrame) msg;
            try {
                received += f.content().readableBytes();
                if (direction.equals("upload") || received >= SsmBench.BYTES) {
                    done.complete(null);
                }
            } finally {
                f.release();
            }
        }
    }

    /** Counts an upload and answers one byte, or sends a download; reads the 9-byte request header first. */
    private static final class ServerHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
        private boolean upload;
        private long expected = -1;
        private long got;
        private final Writability writability = new Writability();

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.pipeline().addBefore(ctx.name(), null, writability);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame f) {
            if (!(f instanceof BinaryWebSocketFrame)) {
                return;
            }
            ByteBuf c = f.content();
            if (expected < 0) {
                byte mode = c.readByte();
                upload = mode == 'U';
                expected = c.readLong();
                got = 0;
                if (!upload) {
                    long n = expected;
                    expected = -1;
                    new Sender(ctx.channel(), n, mode == 'P').run();
                }
                return;
            }
            got += c.readableBytes();
            if (got >= expected) {
                expected = -1;
                ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {'K'})));
            }
        }
    }
}
