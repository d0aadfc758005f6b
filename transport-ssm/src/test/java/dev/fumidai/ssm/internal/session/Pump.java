// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.session;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/** Writes a seeded pseudo-random payload to a channel, honouring writability, and digests what it wrote. */
final class Pump extends ChannelInboundHandlerAdapter {

    private static final int CHUNK = 16 * 1024;

    private final long total;
    private final Random random;
    private final MessageDigest digest;
    private long sent;
    final CompletableFuture<byte[]> done = new CompletableFuture<>();

    Pump(long total, long seed) throws Exception {
        this.total = total;
        this.random = new Random(seed);
        this.digest = MessageDigest.getInstance("SHA-256");
    }

    /** Installs the pump on a channel and starts writing. */
    static Pump start(Channel ch, long total, long seed) throws Exception {
        Pump p = new Pump(total, seed);
        ch.eventLoop().execute(() -> {
            ch.pipeline().addFirst(p);
            p.pump(ch);
        });
        return p;
    }

    private void pump(Channel ch) {
        while (sent < total && ch.isWritable() && ch.isActive()) {
            int n = (int) Math.min(CHUNK, total - sent);
            byte[] b = new byte[n];
            random.nextBytes(b);
            digest.update(b);
            sent += n;
            ch.write(Unpooled.wrappedBuffer(b));
        }
        ch.flush();
        if (sent == total && !done.isDone()) {
            done.complete(digest.digest());
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        pump(ctx.channel());
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!done.isDone()) {
            done.completeExceptionally(new IllegalStateException("channel closed after " + sent + " bytes"));
        }
        super.channelInactive(ctx);
    }
}
