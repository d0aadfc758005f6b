// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.session;

import dev.fumidai.ssm.internal.datachannel.Json;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.HttpURLConnection;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Test peers: a TCP echo server and a minimal JSON 1.1 client for the fake's control plane. */
final class TestPeers {

    private TestPeers() {
    }

    /** Starts an echo server on 127.0.0.1; the caller closes the returned channel. */
    static Channel echoServer(EventLoopGroup group) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.write(msg);
                            }

                            @Override
                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                ctx.flush();
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    static int port(Channel server) {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Trusts the fake's certificate for https API calls when set; tests that set it reset it. */
    static volatile javax.net.ssl.SSLSocketFactory httpsFactory;

    /** Calls the fake's JSON 1.1 API without signing. */
    static Map<String, Object> call(URI endpoint, String operation, Map<String, Object> body) throws Exception {
        HttpURLConnection c = (HttpURLConnection) endpoint.resolve("/").toURL().openConnection();
        if (c instanceof javax.net.ssl.HttpsURLConnection && httpsFactory != null) {
            ((javax.net.ssl.HttpsURLConnection) c).setSSLSocketFactory(httpsFactory);
        }
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/x-amz-json-1.1");
        c.setRequestProperty("X-Amz-Target", "AmazonSSM." + operation);
        c.getOutputStream().write(Json.write(body));
        int status = c.getResponseCode();
        byte[] response = (status == 200 ? c.getInputStream() : c.getErrorStream()).readAllBytes();
        c.disconnect();
        Map<String, Object> m = Json.parseObject(response, operation);
        if (status != 200) {
            throw new IllegalStateException(operation + " failed: " + m.get("__type") + ": " + m.get("message"));
        }
        return m;
    }

    static SessionCredentials startSession(URI endpoint, String document, Map<String, String> params)
            throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Target", "i-0123456789abcdef0");
        body.put("DocumentName", document);
        Map<String, Object> p = new LinkedHashMap<>();
        params.forEach((k, v) -> p.put(k, List.of(v)));
        body.put("Parameters", p);
        return creds(call(endpoint, "StartSession", body));
    }

    static CompletableFuture<SessionCredentials> resume(URI endpoint, String sessionId) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return creds(call(endpoint, "ResumeSession", Map.of("SessionId", sessionId)));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    private static SessionCredentials creds(Map<String, Object> m) {
        return new SessionCredentials((String) m.get("SessionId"), (String) m.get("StreamUrl"),
                (String) m.get("TokenValue"));
    }

    /** Collects a stream channel's bytes into a digest and counts them. */
    static final class Collector extends ChannelInboundHandlerAdapter {
        final MessageDigest digest;
        volatile long bytes;
        final CompletableFuture<Void> closed = new CompletableFuture<>();

        Collector() throws Exception {
            digest = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                byte[] a = new byte[b.readableBytes()];
                b.readBytes(a);
                digest.update(a);
                bytes += a.length;
            } finally {
                b.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.complete(null);
        }
    }
}
