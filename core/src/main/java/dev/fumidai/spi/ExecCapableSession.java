// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.spi;

import dev.fumidai.CommandExit;
import dev.fumidai.audit.HopInfo;
import io.netty.channel.Channel;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Is implemented by a {@link HopSession} that can run commands on its hop (SSH; not SSM), so that
 * {@code JumpHost.exec} can ask the last hop of a route.
 */
public interface ExecCapableSession {

    /** Is a started command: its channel and how it ends. */
    record ExecChannel(Channel channel, CompletableFuture<CommandExit> exit) {
    }

    /**
     * Runs {@code command} on this hop.
     *
     * <p>The channel follows the {@link StreamChannels} contract (held, {@code autoRead} off): bytes written are
     * standard input, {@code shutdownOutput()} sends EOF, {@code ByteBuf} reads are standard output, and standard
     * error arrives as {@link io.netty.buffer.ByteBufHolder} user events that the consumer releases, by releasing the
     * event once the application has read it: a transport may return the flow-control window of standard error
     * only then (SSH does), so unread standard error holds the command back as unread standard output does.
     *
     * @param hops the route's hops, recorded in {@code exec.start} and {@code exec.end}
     * @return the started command, or failed with a {@link dev.fumidai.TunnelException} naming the hop
     */
    CompletableFuture<ExecChannel> exec(String command, List<HopInfo> hops);
}
