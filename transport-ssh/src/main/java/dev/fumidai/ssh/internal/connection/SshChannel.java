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
 * {@code isWritable()} follows the window. Our receive window shrinks as data arrives and grows with
 * SSH_MSG_CHANNEL_WINDOW_ADJUST only as the pipeline reads, so a slow reader holds at most one window per
 * channel.
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
        return true;
    }

    void receiveData(ByteBuf data) {
        bytesReceived += data.readableBytes();
        deliver(data);
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
            consumed(length);
            return;
        }
        try {
            eventLoop().execute(() -> consumed(length));
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
        return pendingRequests.poll();
    }

    void exitStatusReceived(ExitStatus status) {
        exitStatus = status;
    }

    /** Returns unread-and-unreturned window to the peer once half the window is due (RFC 4254 §5.2). */
    void consumed(int bytes) {
        unadjusted += bytes;
        if (closeSent || eofReceived || !isActive()) {
            return;
        }
        if (unadjusted >= connection.config().initialWindowSize() / 2) {
            long add = unadjusted;
            unadjusted = 0;
            localWindow += add;
            connection.send(b -> new ChannelWindowAdjustMessage(remoteId, add).encode(b), this);
            connection.flush();
        }
    }

    void failRequests(Throwable cause) {
        CompletableFuture<Void> f;
        while ((f = pendingRequests.poll()) != null) {
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
