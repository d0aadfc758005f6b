package dev.fumidai.spi;

import io.netty.util.AttributeKey;

/**
 * States the contract every stream channel from {@link HopSession#open} and {@link StreamOpener#open} keeps.
 *
 * <ul>
 *   <li>It is registered and active when handed out; {@code autoRead} is off and the pipeline holds no
 *       user handler, so no byte is lost before the caller installs its own.</li>
 *   <li>Inbound messages are {@code ByteBuf}s; the handler that consumes one releases it.</li>
 *   <li>When the peer sends EOF the channel fires {@code ChannelInputShutdownEvent.INSTANCE} and then
 *       {@code ChannelInputShutdownReadComplete.INSTANCE} if {@code ChannelOption.ALLOW_HALF_CLOSURE} is on;
 *       otherwise it closes.</li>
 *   <li>It implements {@code io.netty.channel.socket.DuplexChannel}: {@code shutdownOutput()} sends EOF
 *       while reading goes on.</li>
 *   <li>{@code isWritable()} follows the transport's flow control (an SSH window, smux credit, socket buffer):
 *       a writer that stops while it is false never grows memory.</li>
 *   <li>When the stream closes because of a failure (session broke, peer reset), the cause is set in
 *       {@link #CLOSE_CAUSE} before {@code closeFuture()} completes.</li>
 * </ul>
 */
public final class StreamChannels {

    /** Holds why a stream channel closed, when it did not close normally. */
    public static final AttributeKey<Throwable> CLOSE_CAUSE = AttributeKey.valueOf("fumidai.closeCause");

    private StreamChannels() {
    }
}
