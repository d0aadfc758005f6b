// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.mux;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the smux v1 stream state machine over a byte stream (SSM spec §8.4), as a pure state machine: bytes in
 * through {@link #receive}, encoded frames out through {@link Output}, events through {@link Listener}, time
 * given by the caller.
 *
 * <p>A client opens odd stream ids starting at 3 (smux bumps its counter, which starts at 1, before use); a
 * server opens even ids starting at 2. SYN opens, PSH carries data (at most {@link SmuxConfig#maxFrameSize()}
 * per frame), FIN says the sender writes no more; a stream is forgotten once FIN went both ways or it was
 * {@linkplain #reset reset}. As smux does: PSH and FIN for an unknown stream are ignored, SYN for a known one is
 * ignored, a wrong version byte or unknown command is fatal. UPD (v2 window updates) is parsed and ignored.
 *
 * <h2>Back-pressure</h2>
 * smux v1 has no per-stream window: the only limit is a session-wide budget of received but unconsumed bytes.
 * The owner calls {@link #consumed} as a stream's reader takes data, and stops feeding {@link #receive} while
 * {@link #canReceive()} is false (over the data channel: stops acknowledging, so the agent retransmits later).
 *
 * <h2>Threading</h2>
 * Not thread-safe; owned by one event loop.
 *
 * <h2>Failure</h2>
 * {@link #receive} and {@link #tick} throw {@link SmuxProtocolException}; after that the session is closed and
 * every stream is gone.
 */
public final class SmuxSession {

    /** Says which side of smux this end plays; it decides the stream id parity. */
    public enum Role {
        /** Opens odd stream ids: 3, 5, 7, ... */
        CLIENT,
        /** Opens even stream ids: 2, 4, 6, ... */
        SERVER
    }

    /** Takes encoded frames in the order they must be sent. */
    @FunctionalInterface
    public interface Output {
        /** Sends one encoded frame; the array is the callee's afterwards. */
        void write(byte[] frame);
    }

    /** Hears what the peer did to streams. Callbacks run inside {@link #receive} and must not re-enter it. */
    public interface Listener {
        /** Tells that the peer opened a stream. */
        void streamOpened(long streamId);

        /** Tells that data arrived on a stream; the array is the callee's. */
        void streamData(long streamId, byte[] data);

        /** Tells that the peer sent FIN on a stream: no more data will come. */
        void streamFinished(long streamId);
    }

    private static final class Stream {
        boolean localFin;
        boolean remoteFin;
        long unconsumed;
    }

    private final Role role;
    private final SmuxConfig config;
    private final Output output;
    private final Listener listener;
    private final SmuxFrameDecoder decoder = new SmuxFrameDecoder();
    private final Map<Long, Stream> streams = new HashMap<>();
    private long nextStreamId;
    private long unconsumed;
    private boolean closed;
    private long lastReceivedNanos;
    private long lastNopNanos;

    /**
     * Creates a session.
     *
     * @param nowNanos the monotonic time now, the start of the keepalive clocks
     */
    public SmuxSession(Role role, SmuxConfig config, Output output, Listener listener, long nowNanos) {
        this.role = role;
        this.config = config;
        this.output = output;
        this.listener = listener;
        this.nextStreamId = role == Role.CLIENT ? 1 : 0;
        this.lastReceivedNanos = nowNanos;
        this.lastNopNanos = nowNanos;
    }

    /**
     * Opens a stream and sends its SYN.
     *
     * @return the new stream id
     * @throws IllegalStateException when the session is closed, holds {@link SmuxConfig#maxStreams()} streams,
     *     or has used up the 32-bit id space
     */
    public long openStream() {
        checkOpen();
        if (streams.size() >= config.maxStreams()) {
            throw new IllegalStateException("smux session holds the maximum of " + config.maxStreams() + " streams");
        }
        long id = nextStreamId + 2;
        if (id > 0xffffffffL) {
            throw new IllegalStateException("smux stream ids exhausted");
        }
        nextStreamId = id;
        streams.put(id, new Stream());
        send(SmuxFrame.CMD_SYN, id, new byte[0]);
        return id;
    }

    /**
     * Sends data on a stream, cut into PSH frames of at most {@link SmuxConfig#maxFrameSize()} bytes.
     *
     * @throws IllegalStateException when the stream is unknown or this end already sent FIN on it
     */
    public void write(long streamId, byte[] data, int offset, int length) {
        checkOpen();
        Stream s = streams.get(streamId);
        if (s == null || s.localFin) {
            throw new IllegalStateException("smux stream " + streamId + " is not open for writing");
        }
        int end = offset + length;
        for (int i = offset; i < end; i += config.maxFrameSize()) {
            int n = Math.min(config.maxFrameSize(), end - i);
            send(SmuxFrame.CMD_PSH, streamId, Arrays.copyOfRange(data, i, i + n));
        }
    }

    /** Sends FIN on a stream once; forgets the stream when the peer's FIN came too. Unknown ids are ignored. */
    public void finish(long streamId) {
        if (closed) {
            return;
        }
        Stream s = streams.get(streamId);
        if (s == null || s.localFin) {
            return;
        }
        s.localFin = true;
        send(SmuxFrame.CMD_FIN, streamId, new byte[0]);
        if (s.remoteFin) {
            forget(streamId, s);
        }
    }

    /** Sends FIN if not yet sent and forgets the stream at once: later data for it is ignored. */
    public void reset(long streamId) {
        finish(streamId);
        Stream s = streams.get(streamId);
        if (s != null) {
            forget(streamId, s);
        }
    }

    /** Returns budget to the session as a stream's reader consumed {@code n} bytes of delivered data. */
    public void consumed(long streamId, long n) {
        Stream s = streams.get(streamId);
        if (s == null) {
            return; // its bytes were returned when it was forgotten
        }
        long k = Math.min(n, s.unconsumed);
        s.unconsumed -= k;
        unconsumed -= k;
    }

    /** Returns whether the received-but-unconsumed bytes are below the session budget. */
    public boolean canReceive() {
        return unconsumed < config.maxReceiveBuffer();
    }

    /** Returns the received-but-unconsumed bytes. */
    public long unconsumed() {
        return unconsumed;
    }

    /**
     * Feeds bytes of the peer's smux stream, split anywhere.
     *
     * @throws SmuxProtocolException when a frame has the wrong version or an unknown command
     */
    public void receive(byte[] bytes, int offset, int length, long nowNanos) throws SmuxProtocolException {
        checkOpen();
        lastReceivedNanos = nowNanos;
        for (SmuxFrame f : decoder.decode(bytes, offset, length)) {
            handle(f);
        }
    }

    /**
     * Runs keepalive when configured: sends NOP every interval and fails when nothing was received for the
     * timeout (smux {@code keepalive}).
     *
     * @throws SmuxProtocolException when the keepalive timeout passed
     */
    public void tick(long nowNanos) throws SmuxProtocolException {
        if (closed || !config.keepAlive()) {
            return;
        }
        if (nowNanos - lastReceivedNanos >= config.keepAliveTimeoutNanos()) {
            close();
            throw new SmuxProtocolException("smux keepalive timeout: nothing received for "
                    + config.keepAliveTimeoutNanos() / 1_000_000 + " ms");
        }
        if (nowNanos - lastNopNanos >= config.keepAliveIntervalNanos()) {
            lastNopNanos = nowNanos;
            send(SmuxFrame.CMD_NOP, 0, new byte[0]);
        }
    }

    /** Returns when {@link #tick} next has work, or {@code Long.MAX_VALUE} without keepalive. */
    public long nextTickNanos() {
        if (closed || !config.keepAlive()) {
            return Long.MAX_VALUE;
        }
        return Math.min(lastNopNanos + config.keepAliveIntervalNanos(),
                lastReceivedNanos + config.keepAliveTimeoutNanos());
    }

    /** Returns whether a stream is known (open in at least one direction). */
    public boolean isOpen(long streamId) {
        return streams.containsKey(streamId);
    }

    /** Returns the ids of the known streams. */
    public List<Long> streamIds() {
        return new ArrayList<>(streams.keySet());
    }

    /** Returns whether the session is closed. */
    public boolean isClosed() {
        return closed;
    }

    /** Closes the session without sending anything; all streams are forgotten. */
    public void close() {
        closed = true;
        streams.clear();
        unconsumed = 0;
    }

    /** Returns the role. */
    public Role role() {
        return role;
    }

    private void handle(SmuxFrame f) throws SmuxProtocolException {
        if (f.version() != config.version()) {
            close();
            throw new SmuxProtocolException("smux frame version " + f.version() + ", session uses "
                    + config.version() + " (" + f + ")");
        }
        Stream s = streams.get(f.streamId());
        switch (f.cmd()) {
            case SmuxFrame.CMD_NOP:
                return;
            case SmuxFrame.CMD_SYN:
                if (s != null) {
                    return; // smux ignores SYN for an existing stream
                }
                if (streams.size() >= config.maxStreams()) {
                    // Refuse beyond the bound: FIN at once, never remember the stream.
                    send(SmuxFrame.CMD_FIN, f.streamId(), new byte[0]);
                    return;
                }
                streams.put(f.streamId(), new Stream());
                listener.streamOpened(f.streamId());
                return;
            case SmuxFrame.CMD_FIN:
                if (s == null || s.remoteFin) {
                    return;
                }
                s.remoteFin = true;
                listener.streamFinished(f.streamId());
                if (s.localFin && streams.get(f.streamId()) == s) {
                    forget(f.streamId(), s);
                }
                return;
            case SmuxFrame.CMD_PSH:
                if (s == null || s.remoteFin || f.data().length == 0) {
                    return; // smux ignores data for unknown streams
                }
                s.unconsumed += f.data().length;
                unconsumed += f.data().length;
                listener.streamData(f.streamId(), f.data());
                return;
            case SmuxFrame.CMD_UPD:
                return; // v2 window update; v1 never sends one and has no windows to update
            default:
                close();
                throw new SmuxProtocolException("smux frame with unknown command " + f.cmd() + " on stream "
                        + f.streamId());
        }
    }

    private void forget(long id, Stream s) {
        streams.remove(id);
        unconsumed -= s.unconsumed;
    }

    private void send(int cmd, long streamId, byte[] data) {
        output.write(new SmuxFrame(config.version(), cmd, streamId, data).encode());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("smux session is closed");
        }
    }
}
