// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.TargetUnreachableException;
import dev.fumidai.spi.AbstractStreamChannel;
import dev.fumidai.ssh.internal.transport.SshPacketCodec;
import dev.fumidai.ssh.spi.SshExtendedDataEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Is one SSH channel (RFC 4254 §5) as a Netty child channel of the connection channel, keeping the
 * {@link dev.fumidai.spi.StreamChannels} contract: {@code direct-tcpip}, {@code direct-streamlocal@openssh.com}
 * or {@code session}. Created and driven by {@link SshConnection}.
 *
 * <h2>Threading</h2>
 * Registered on the connection channel's event loop; every method of the flow-control state runs there.
 * {@link #exec} and the futures may be used from any thread.
 *
 * <h2>Back-pressure</h2>
 * {@link #writeBytes} sends SSH_MSG_CHANNEL_DATA only within the peer's window and maximum packet size (RFC
 * 4254 §5.2) and only while the connection channel is writable; the rest stays in the outbound buffer, so
 * {@code isWritable()} follows the window. Our receive window shrinks as data arrives and is replenished with
 * SSH_MSG_CHANNEL_WINDOW_ADJUST only as the pipeline reads, so a slow reader holds at most one window per
 * channel: the window it has at that time.
 *
 * <h2>Receive window: replenishing and growing (issue #14)</h2>
 * Read bytes are returned once {@value #ADJUST_PACKETS} maximum packets' worth (or half the window, if smaller)
 * has been read, as OpenSSH returns once more than three packets are consumed. Returning them only at half the
 * window left just under half a window unreturned after every round trip when the sender's packets did not divide
 * it, so a window-limited stream ran at half of window/RTT.
 *
 * <p>The window starts at {@link SshConnectionConfig#initialWindowSize()} and grows, like Linux's receive-buffer
 * auto-tuning (dynamic right-sizing), while the reader keeps up with a stream the window limits, up to
 * {@link SshConnectionConfig#windowCap()}; growing means returning more than was read.
 * <ul>
 * <li>Round trip. SSH has no timestamps, so it is estimated from the window itself: when we send an adjust we note
 * the time and the window's edge before it (the bytes the peer could send in all); the first data beyond that edge
 * could only be sent after the adjust arrived, so the time until it arrives is one sample. A sample is never below
 * the path's round trip; it adds the peer's and our own processing, and it is larger still when the peer was not
 * waiting for window (it had credit left, or nothing to send). The estimate takes a smaller sample at once and
 * moves 1/8 of the way toward a larger one. One adjust is timed at a time.
 * <li>Decision. Consumed bytes are counted over intervals of about one estimated round trip (an interval longer
 * than that counts proportionally). At the end of an interval the window grows in the next one if the reader kept
 * up (what was received and not yet read, extended data held by the application included, stayed below half the
 * window throughout) and consumed more than half the window the interval began with (so the window may be what
 * limits). While growing, every byte read is returned with as much again of new window, at most doubling the window
 * per interval; as TCP's
 * slow start, a window-limited stream doubles about once per round trip or two.
 * <li>Payoff. A round-trip sample also contains every byte queued ahead of the answer, so when our own reading is the
 * bottleneck (decryption on a busy machine, a download over loopback) the peer always holds credit, its data waits in
 * the socket below us, each sample is that queue's length divided by our rate, and the window always looks like the
 * limit: growing it only lengthens the queue (measured: a 16 MiB window, grown or fixed, cut loopback downloads from
 * about 170 to 10-30 MB/s, TCP retransmitting from a full receive queue). So growth must pay off, judged on the rate
 * consumed in bytes per second (not per estimated round trip, which grows with the queue). The first growth is a try,
 * made once two intervals' rates agree within {@link #SETTLED} (a new connection speeds up by itself while TCP and
 * the JIT warm up); the interval after it holds, since its data still answers the old window, and growing goes on only if its
 * rate is at least {@link #GROWTH_PAYOFF} times the best of any interval before. From then on every interval is
 * judged so (the first interval of each run of growth only has to stay within a quarter of the best, as its data
 * answers the held window). A stream that the window does not limit therefore ends at twice the initial window at
 * most, and only a stream a quarter faster than any seen before tries again. The rate alone can still jump (two hops
 * on one loop take turns), so where the socket says so directly it is believed first: an interval in which this
 * event loop's sockets were read but dry for less than 1/{@link #DRY_SHARE} of the time ({@link ReadBacklog}) neither
 * grows the window nor lets growing go on. A window-limited stream leaves its socket dry for part of every round
 * trip, however fast each burst arrives.
 * <li>Stop. Growing stops at once, mid-interval, when unread data reaches half the window, and at the cap. A
 * reader that never reads consumes nothing and never grows the window; a reader that lets data pile up does not
 * either. So the window ends near two to four times the bytes the reader consumes per round trip. Growth stopped so
 * (not by a missing payoff) may try once more, as at the start, once the reader keeps up and the rate is steady
 * again: otherwise a moment in which the reader fell behind would hold a window-limited stream, which then runs
 * at its best rate and never a quarter above it, at a part of its window for good. The try is judged as the first.
 * <li>Shrink. Credit given cannot be taken back (RFC 4254 §5.2), but read bytes need not be returned. A round-trip
 * sample ends once the credit the peer held when the adjust left has arrived, so that credit over the sample is a
 * rate the path delivered; the highest of the last {@link #RATE_SAMPLES} such rates times the smallest sample is the
 * path's bandwidth-delay product. A window above {@link #BDP_HEADROOM} times that is not what limits: the peer
 * always holds credit and the excess waits at the peer (measured: two hops at 10 ms, whose rate the machine's CPUs
 * limit, arrive in bursts; one burst passed for a payoff, the windows grew to the 16 MiB cap, about three times
 * the product, and each {@code sshd} then kept megabytes in its channel buffers and spent three to six times the
 * CPU moving them: 80-190 MiB/s instead of 400). Read bytes are then withheld until the window is down to that
 * (never below the initial window), and growing stops. The highest of several rates lets a pause pass; a later
 * sample in which the whole window came back in the smallest round trip, no queue ahead of it, shows the window
 * limiting again (a faster path), and growing may then try again as at the start.
 * </ul>
 * Memory per channel is bounded by the cap, and by what the reader once kept up with.
 *
 * <h2>Closing</h2>
 * {@code shutdownOutput()} sends SSH_MSG_CHANNEL_EOF; closing sends SSH_MSG_CHANNEL_CLOSE (RFC 4254 §5.3). A
 * peer's EOF ends the input (half-close), a peer's CLOSE closes the channel after the data before it is read.
 * The channel leaves the connection's table once both sides have sent CLOSE.
 *
 * <h2>Reference counting</h2>
 * Data messages are copied into fresh buffers that the connection's transport releases; inbound data is
 * handed to the pipeline as retained slices of the transport's payload, released by the consumer.
 *
 * <h2>Extended data</h2>
 * SSH_MSG_CHANNEL_EXTENDED_DATA (stderr of a command, RFC 4254 §5.2) counts against the same receive window.
 * On a channel whose owner asked for it ({@link #deliverExtendedData}, as {@code SshHopSession.exec} does) it
 * reaches the pipeline as a {@link SshExtendedDataEvent} user event as it arrives; elsewhere it is dropped. Its
 * window is returned once the event is released (by the application reading it, for {@code RemoteCommand}), or
 * at once when dropped, so unread standard error holds at most one window, as unread standard output does
 * (issue #10, must hold 3). Delivery is opt-in because a handler that swallows
 * user events it does not know (a relay, say) would never release the event's buffer: a peer could then leak
 * memory by sending extended data on a {@code direct-tcpip} channel. Before the consumer releases the channel
 * ({@link dev.fumidai.spi.StreamChannels#release}), the holding handler keeps such events with the rest: at most
 * one window of them, since none has been released yet.
 */
public final class SshChannel extends AbstractStreamChannel {

    /**
     * Returns read bytes to the peer once this many maximum packets' worth are due: OpenSSH returns once more than
     * three packets are consumed ({@code channel_check_window}); TCP's receiver silly-window avoidance (RFC 1122
     * §4.2.3.3) uses min(one segment, half the buffer). A few 32 KiB packets keep window adjusts rare (one small
     * message per 128 KiB) while at most that much stays unreturned after a round trip.
     */
    static final int ADJUST_PACKETS = 4;

    /**
     * How much faster than the best interval before the reader must consume for the window to grow on: a quarter,
     * the step BBR's congestion control expects of a pipe that is not yet full.
     */
    static final double GROWTH_PAYOFF = 1.25;
    /**
     * An interval in which this loop's sockets were dry for less than 1/{@value} of the time was limited by our
     * reading, not by the window ({@link ReadBacklog}).
     */
    static final int DRY_SHARE = 8;

    /**
     * How close (a fraction of the rate before) two intervals' rates must be for the first try: a window-limited
     * stream runs at a steady window/RTT, while a new connection speeds up by itself for a while (TCP's buffers, the
     * JIT) and a stream our own reading limits on a busy machine varies by more.
     */
    static final double SETTLED = 0.125;

    /**
     * How many times the path's bandwidth-delay product the window may stay at: half as much again, so that a
     * stream the window does not limit keeps some room for the path's jitter and pays for the rest in a queue at the
     * peer of half a round trip at most.
     */
    static final double BDP_HEADROOM = 1.5;
    /** How many of the latest round-trip samples' delivery rates the bandwidth estimate takes the highest of. */
    static final int RATE_SAMPLES = 8;

    private final SshConnection connection;
    private final int localId;
    private final String channelType;
    private final String description;
    private final ArrayDeque<CompletableFuture<Void>> pendingRequests = new ArrayDeque<>();
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

    private int remoteId;
    private long remoteWindow;
    private int sendPacketSize;
    private long localWindow;
    private long unadjusted;
    /** The receive window we grant: localWindow + received bytes not yet returned; at most {@link #windowCap}. */
    private long window;
    private final long windowCap;
    private final long adjustBatch;
    /** Extended data handed to the application as events and not yet released. */
    private long extendedHeld;
    private long receivedTotal;
    private long consumedTotal;
    /** The round-trip estimate in nanoseconds, 0 before the first sample. */
    private long rttNanos;
    /** The window edge (in bytes received) before the adjust being timed, or -1 when none is timed. */
    private long probeEdge = -1;
    private long probeSentAt;
    /** The credit the peer held when the timed adjust left: the bytes that had to arrive before the sample ended. */
    private long probeCredit;
    /** The smallest round-trip sample, 0 before the first: the path's own round trip, without a queue. */
    private long minRttNanos;
    /** The delivery rates (bytes per nanosecond) of the latest {@link #RATE_SAMPLES} round-trip samples. */
    private final double[] sampleRates = new double[RATE_SAMPLES];
    private int sampleCount;
    /** The window the samples show the path needs, or 0: read bytes are withheld until the window is down to it. */
    private long shrinkTarget;
    /** Whether the window shrank and no sample since showed the window limiting with no queue. */
    private boolean shrunk;
    private boolean intervalOpen;
    private long intervalStart;
    private long intervalConsumed;
    /** {@link ReadBacklog}'s counts on this loop when the interval began. */
    private long intervalLoops;
    private long intervalDryNanos;
    private long intervalPeakUnread;
    /** The window (pending growth included) when the interval began. */
    private long intervalWindow;
    /** Whether read bytes are returned twice over, up to {@link #growLimit}. */
    private boolean growing;
    private long growLimit;
    /** Growth decided and not yet sent in an adjust. */
    private long pendingGrowth;
    private int windowGrowths;
    /** The highest consumption rate (bytes per nanosecond) of any interval so far. */
    private double bestRate;
    /** Whether growing was tried once (the first try needs no gain to show). */
    private boolean growthTried;
    /** The consumption rate of the interval before, 0 before the first. */
    private double lastRate;
    /** Whether the last growth showed a faster stream, so growing goes on without a round trip's pause. */
    private boolean growthShown;
    /** Whether the present growing interval is the first of a run of them. */
    private boolean growthFresh;
    /** Whether growing was stopped by the reader falling behind, not by a missing payoff: a new first try may come. */
    private boolean growthInterrupted;
    private boolean confirmed;
    boolean eofReceived;
    boolean closeReceived;
    boolean closeSent;
    private ExitStatus exitStatus = ExitStatus.unknown();
    private long bytesSent;
    private long bytesReceived;
    private volatile boolean deliverExtendedData;

    SshChannel(Channel parent, SshConnection connection, int localId, String channelType, String description,
            long localWindow) {
        super(parent);
        this.connection = connection;
        this.localId = localId;
        this.channelType = channelType;
        this.description = description;
        this.localWindow = localWindow;
        this.window = localWindow;
        this.windowCap = Math.max(localWindow, connection.config().windowCap());
        this.adjustBatch = (long) ADJUST_PACKETS * connection.config().maxPacketSize();
    }

    /** Returns our channel number. */
    public int localId() {
        return localId;
    }

    /** Returns the server's channel number (valid once confirmed). */
    public int remoteId() {
        return remoteId;
    }

    /** Returns the channel type, such as {@code direct-tcpip}. */
    public String channelType() {
        return channelType;
    }

    /** Returns what the channel leads to, for messages: {@code direct-tcpip to db:5432}. */
    public String description() {
        return description;
    }

    /** Returns how many bytes the peer still lets us send (RFC 4254 §5.2). Event loop only. */
    public long remoteWindow() {
        return remoteWindow;
    }

    /** Returns the bytes received and not yet read by the pipeline. Event loop only. */
    public long queuedInboundBytes() {
        return inboundQueuedBytes();
    }

    /** Returns how many bytes we still let the peer send. Event loop only. */
    public long localWindow() {
        return localWindow;
    }

    /**
     * Returns the receive window we grant now: what the peer may still send plus what arrived and was not yet
     * returned; starts at the initial window and only grows, up to the cap. Event loop only.
     */
    public long window() {
        return window;
    }

    /** Returns the largest the receive window may grow to. */
    public long windowCap() {
        return windowCap;
    }

    /** Returns how many round-trip intervals decided to grow the receive window. Event loop only. */
    public int windowGrowths() {
        return windowGrowths;
    }

    /** Returns the round-trip estimate in nanoseconds, or 0 before the first sample. Event loop only. */
    public long rttEstimateNanos() {
        return rttNanos;
    }

    /**
     * Asks for extended data (stderr) as {@link SshExtendedDataEvent}s on this channel's pipeline instead of
     * dropping it; call before the data can arrive (before {@link #exec}). Every handler of the pipeline must then
     * pass on or release user events it does not know.
     */
    public void deliverExtendedData() {
        deliverExtendedData = true;
    }

    /** Returns the data bytes sent to the peer so far. Event loop only. */
    public long bytesSent() {
        return bytesSent;
    }

    /** Returns the data bytes received from the peer so far, extended data included. Event loop only. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /**
     * Asks the server to run {@code command} on this {@code session} channel (RFC 4254 §6.5).
     *
     * @return completed when the server accepts, failed with {@link TargetUnreachableException} when it refuses
     */
    public CompletableFuture<Void> exec(String command) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        eventLoop().execute(() -> {
            if (!isActive() || closeSent) {
                result.completeExceptionally(new ClosedChannelException());
                return;
            }
            pendingRequests.add(result);
            connection.channelRequestsAwaiting++;
            connection.send(b -> ChannelRequestMessage.exec(remoteId, true, command).encode(b));
            connection.flush();
        });
        return result;
    }

    /**
     * Returns how the remote command ended (RFC 4254 §6.10); completed once both sides sent CLOSE or the
     * connection ended, since a server may send exit-status after its EOF.
     */
    public CompletableFuture<ExitStatus> exitStatus() {
        return exit;
    }

    // ---- called by SshConnection (event loop) ----

    boolean isConfirmed() {
        return confirmed;
    }

    void confirm(int remoteId, long remoteWindow, int sendPacketSize) {
        this.remoteId = remoteId;
        this.remoteWindow = remoteWindow;
        this.sendPacketSize = sendPacketSize;
        this.confirmed = true;
        markActive();
    }

    /** Accounts for {@code length} bytes of data from the peer; returns false when they exceed our window. */
    boolean takeWindow(int length) {
        if (length > localWindow) {
            return false;
        }
        localWindow -= length;
        receivedTotal += length;
        if (probeEdge >= 0 && receivedTotal > probeEdge) {
            // Data beyond the edge before the timed adjust: the adjust reached the peer and this came back.
            long sample = Math.max(1, connection.nanoTime() - probeSentAt);
            rttSample(sample);
            probeEdge = -1;
            pathSample(sample);
        }
        return true;
    }

    void receiveData(ByteBuf data) {
        bytesReceived += data.readableBytes();
        deliver(data);
        noteUnread(inboundQueuedBytes() + extendedHeld);
    }

    /**
     * Hands extended data to the pipeline as a {@link SshExtendedDataEvent} when asked to, its window returned when
     * the event is released, or drops it and returns its window at once; takes ownership of {@code data}.
     */
    void receiveExtendedData(int dataTypeCode, ByteBuf data) {
        int length = data.readableBytes();
        bytesReceived += length;
        if (deliverExtendedData && isRegistered() && isOpen()) {
            // Its window returns when the consumer releases the event, as stdout's returns when it is read. The
            // bytes are copied into a buffer of their own: a retained slice may share the packet's reference count,
            // and then the consumer's release (on its own thread) need not be the one that frees it, which lost
            // the window and stalled the channel.
            ByteBuf own = alloc().buffer(length);
            try {
                own.writeBytes(data);
            } finally {
                data.release();
            }
            extendedHeld += length;
            noteUnread(inboundQueuedBytes() + extendedHeld);
            pipeline().fireUserEventTriggered(new SshExtendedDataEvent(dataTypeCode, own,
                    () -> extendedDataReleased(length)));
        } else {
            data.release();
            consumed(length);
        }
    }

    /** Returns the window of released extended data, on the event loop whatever thread released it. */
    private void extendedDataReleased(int length) {
        if (eventLoop().inEventLoop()) {
            extendedHeld -= length;
            consumed(length);
            return;
        }
        try {
            eventLoop().execute(() -> {
                extendedHeld -= length;
                consumed(length);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The event loop is shutting down with the connection: no window to return any more.
        }
    }

    void receiveEof() {
        eofReceived = true;
        deliverEof();
    }

    void receiveClose() {
        closeReceived = true;
        eofReceived = true;
        deliverClose();
    }

    void addRemoteWindow(long bytes) {
        remoteWindow += bytes;
        resumeWrites();
    }

    void resume() {
        resumeWrites();
    }

    CompletableFuture<Void> pollRequest() {
        CompletableFuture<Void> f = pendingRequests.poll();
        if (f != null) {
            connection.channelRequestsAwaiting--;
        }
        return f;
    }

    void exitStatusReceived(ExitStatus status) {
        exitStatus = status;
    }

    /**
     * Returns read bytes to the peer once {@link #ADJUST_PACKETS} packets' worth (or half the window) are due, and
     * grows the window while the reader keeps up (RFC 4254 §5.2; the class javadoc has the rules).
     */
    void consumed(int bytes) {
        unadjusted += bytes;
        consumedTotal += bytes;
        if (closeSent || eofReceived || !isActive()) {
            return;
        }
        if (shrinkTarget > 0) {
            // Bytes read and not returned take the window down to what the path needs.
            long cut = Math.min(unadjusted, window - shrinkTarget);
            unadjusted -= cut;
            window -= cut;
            if (window <= shrinkTarget) {
                shrinkTarget = 0;
            }
        }
        pendingGrowth += growth(bytes);
        long due = unadjusted + pendingGrowth;
        if (due > 0 && due >= Math.min(window / 2, adjustBatch)) {
            long grow = pendingGrowth;
            if (probeEdge < 0) {
                // Time this adjust: the first byte beyond the present edge answers it (one round-trip sample).
                probeEdge = receivedTotal + localWindow;
                probeCredit = localWindow;
                probeSentAt = connection.nanoTime();
            }
            unadjusted = 0;
            pendingGrowth = 0;
            window += grow;
            localWindow += due;
            connection.send(b -> new ChannelWindowAdjustMessage(remoteId, due).encode(b), this);
            connection.flushSoon();
        }
    }

    /**
     * Returns by how much the window grows with these {@code bytes} just read: as much again while growing (so a
     * window-limited stream doubles per round trip, as TCP's slow start), 0 otherwise. Whether it grows is decided at
     * the end of each interval of about one estimated round trip, and growing stops at once when unread data reaches
     * half the window.
     */
    private long growth(int bytes) {
        long limit = Math.min(windowCap, growLimit);
        long window = this.window + pendingGrowth;
        if (windowCap <= window || rttNanos == 0) {
            growing = false;
            return 0;
        }
        long now = connection.nanoTime();
        long unreadAfter = inboundQueuedBytes() + extendedHeld;
        if (!intervalOpen) {
            intervalOpen = true;
            intervalStart = now;
            intervalConsumed = consumedTotal;
            intervalWindow = window;
            intervalPeakUnread = unreadAfter;
            intervalLoops = ReadBacklog.loops();
            intervalDryNanos = ReadBacklog.dryNanos();
            return 0;
        }
        // What was unread just before this read (conservative for released extended data: counted twice).
        intervalPeakUnread = Math.max(intervalPeakUnread, unreadAfter + bytes);
        if (intervalPeakUnread >= intervalWindow / 2) {
            growthInterrupted |= growing;
            growing = false; // the reader fell behind: not one byte more
        }
        long grow = growing ? Math.max(0, Math.min(bytes, limit - window)) : 0;
        long elapsed = now - intervalStart;
        if (elapsed >= rttNanos - rttNanos / 8) {
            long copied = consumedTotal - intervalConsumed;
            boolean keptUp = intervalPeakUnread < intervalWindow / 2;
            // Bytes per round trip: an interval longer than one round trip (the reader paused) counts proportionally.
            double perRtt = (double) copied * rttNanos / Math.max(elapsed, rttNanos);
            // The peer used more than half the window it had when the interval began: the window may be what limits.
            // This loop's sockets were read and hardly ever ran dry: our reading limits, not the window.
            boolean socketBacklogged = ReadBacklog.loops() > intervalLoops
                    && (ReadBacklog.dryNanos() - intervalDryNanos) * DRY_SHARE < elapsed;
            boolean mayLimit = keptUp && !socketBacklogged && 2 * perRtt > intervalWindow;
            // Bytes per nanosecond, not per estimated round trip: the estimate itself grows with a queue.
            double rate = (double) copied / Math.max(elapsed, 1);
            if (growing && growthFresh) {
                // This interval's data answered the window of the one before, when it did not grow yet; the credit
                // added now comes back in the next one. After a first try, hold and see what it did; once growing
                // has paid off, go on and judge the next interval.
                growthFresh = false;
                growing = growthShown && !socketBacklogged && rate * GROWTH_PAYOFF >= bestRate;
                growthShown = growing;
            } else if (mayLimit && (growthTried && !growthInterrupted ? rate >= bestRate * GROWTH_PAYOFF
                    : Math.abs(rate - lastRate) <= lastRate * SETTLED)) {
                // The first try, once the stream runs steadily (a new connection speeds up by itself while TCP and
                // the JIT warm up), or a stream faster than any interval before by a quarter: each round trip's data
                // from now on answers a window that grew the round trip before, so each is judged. Growth the reader
                // interrupted earns a first try again: a stream held at the window it reached then runs at its best
                // rate, never a quarter above it.
                growthShown = growthTried && !growthInterrupted;
                growthInterrupted = false;
                growthTried = true;
                growthFresh = !growing;
                growing = true;
            } else {
                // No gain: the window is not what limits (a queue below us, such as our own decryption, or a slower
                // link). Measured against the best interval ever, a slow one (a stall) cannot pass for a gain later.
                growing = false;
                growthShown = false;
            }
            bestRate = Math.max(bestRate, rate);
            lastRate = rate;
            if (growing) {
                growLimit = 2 * (window + grow);
                windowGrowths++;
            }
            intervalStart = now;
            intervalConsumed = consumedTotal;
            intervalWindow = window + grow;
            intervalPeakUnread = unreadAfter;
            intervalLoops = ReadBacklog.loops();
            intervalDryNanos = ReadBacklog.dryNanos();
        }
        return grow;
    }

    /** Records what is unread (queued data and held extended data) for the growth interval's peak. */
    private void noteUnread(long unread) {
        if (intervalOpen && unread > intervalPeakUnread) {
            intervalPeakUnread = unread;
        }
    }

    /**
     * Shrinks a window the path does not need: {@code probeCredit} bytes arrived in {@code sample} nanoseconds, so
     * the path delivered at least that rate; the highest of the latest {@link #RATE_SAMPLES} such rates times the
     * smallest sample is its bandwidth-delay product. A window above {@link #BDP_HEADROOM} times that only keeps a
     * queue at the peer (the class javadoc has why that costs), and read bytes are withheld until it is down to it.
     */
    private void pathSample(long sample) {
        minRttNanos = minRttNanos == 0 ? sample : Math.min(minRttNanos, sample);
        sampleRates[sampleCount++ % RATE_SAMPLES] = (double) probeCredit / sample;
        if (shrunk && sample - minRttNanos <= minRttNanos / 8 && probeCredit >= window - window / 8) {
            // The whole window came back in the path's round trip with no queue: it limits again (the path is
            // faster than when it shrank), so growing may try again as at the start.
            shrunk = false;
            growthInterrupted = true;
        }
        if (sampleCount < RATE_SAMPLES) {
            return;
        }
        double rate = 0;
        for (double r : sampleRates) {
            rate = Math.max(rate, r);
        }
        long needed = Math.max(connection.config().initialWindowSize(), (long) (BDP_HEADROOM * rate * minRttNanos));
        if (needed < window + pendingGrowth) {
            shrinkTarget = needed;
            shrunk = true;
            growing = false;
            pendingGrowth = 0;
            growthInterrupted = false;
        }
    }

    /** Takes one round-trip sample: smaller ones at once (each is an upper bound), larger ones by 1/8. */
    private void rttSample(long sample) {
        if (rttNanos == 0 || sample < rttNanos) {
            rttNanos = sample;
        } else {
            rttNanos += (sample - rttNanos) / 8;
        }
    }

    void failRequests(Throwable cause) {
        CompletableFuture<Void> f;
        while ((f = pendingRequests.poll()) != null) {
            connection.channelRequestsAwaiting--;
            f.completeExceptionally(cause);
        }
    }

    /** Completes {@link #exitStatus()} once both sides closed (exit-status may follow our CLOSE, §6.10). */
    void finish() {
        exit.complete(exitStatus);
    }

    // ---- AbstractStreamChannel ----

    @Override
    protected int writeBytes(ByteBuf buf) {
        int readable = buf.readableBytes();
        int offset = buf.readerIndex();
        int taken = 0;
        while (taken < readable && remoteWindow > 0 && !closeSent && connection.isWritable()) {
            int chunk = (int) Math.min(Math.min(readable - taken, remoteWindow), sendPacketSize);
            // Room for the packet around the message, so that the codec seals it in place (issue #14).
            ByteBuf msg = SshPacketCodec.payloadBuffer(alloc(), ChannelDataMessage.HEADER_BYTES + chunk);
            ChannelDataMessage.encodeHeader(msg, remoteId, chunk);
            msg.writeBytes(buf, offset + taken, chunk);
            connection.write(msg, this);
            remoteWindow -= chunk;
            taken += chunk;
        }
        bytesSent += taken;
        if (taken > 0) {
            connection.flush();
        }
        return taken;
    }

    @Override
    protected void doSendEof() {
        if (!closeSent && connection.isOpen()) {
            connection.send(b -> new ChannelEofMessage(remoteId).encode(b), this);
            connection.flush();
        }
    }

    @Override
    protected void doCloseStream() {
        connection.channelClosed(this);
        failRequests(new ClosedChannelException());
    }

    @Override
    protected void onInboundConsumed(int bytes) {
        consumed(bytes);
    }

    @Override
    public String toString() {
        return "SshChannel[" + localId + "→" + remoteId + " " + description + "]";
    }
}
