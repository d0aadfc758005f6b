// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.mux;

/**
 * Configures an {@link SmuxSession}. The defaults are smux {@code DefaultConfig()}, which both reference ends
 * use (SSM spec §8.4), with keepalive off: a client runs it only when the agent needs it (§8.1).
 *
 * @param version the protocol version written and required on every frame; 1
 * @param maxFrameSize the largest PSH data this end sends; smux uses 32 KiB
 * @param maxReceiveBuffer the session-wide budget of received but unconsumed bytes (smux v1's only
 *     back-pressure); 4 MiB
 * @param maxStreams the most streams open at once, a fumidai bound on what a peer can make us hold
 * @param keepAlive whether to send NOP every {@code keepAliveIntervalNanos} and fail after
 *     {@code keepAliveTimeoutNanos} without any frame received
 * @param keepAliveIntervalNanos smux {@code KeepAliveInterval}, 10 s
 * @param keepAliveTimeoutNanos smux {@code KeepAliveTimeout}, 30 s
 */
public record SmuxConfig(int version, int maxFrameSize, long maxReceiveBuffer, int maxStreams, boolean keepAlive,
        long keepAliveIntervalNanos, long keepAliveTimeoutNanos) {

    /** Is smux {@code DefaultConfig().MaxFrameSize}. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 32 * 1024;
    /** Is smux {@code DefaultConfig().MaxReceiveBuffer}. */
    public static final long DEFAULT_MAX_RECEIVE_BUFFER = 4L << 20;
    /** Is the default bound on open streams. */
    public static final int DEFAULT_MAX_STREAMS = 1024;

    public SmuxConfig {
        if (version != 1) {
            throw new IllegalArgumentException("only smux v1 is implemented; the reference ends use v1 (§8.4)");
        }
        if (maxFrameSize < 1 || maxFrameSize > SmuxFrame.MAX_DATA) {
            throw new IllegalArgumentException("maxFrameSize must be 1.." + SmuxFrame.MAX_DATA);
        }
        if (maxReceiveBuffer < 1 || maxStreams < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
    }

    /** Returns smux's defaults with keepalive on or off. */
    public static SmuxConfig defaults(boolean keepAlive) {
        return new SmuxConfig(1, DEFAULT_MAX_FRAME_SIZE, DEFAULT_MAX_RECEIVE_BUFFER, DEFAULT_MAX_STREAMS, keepAlive,
                10_000_000_000L, 30_000_000_000L);
    }
}
