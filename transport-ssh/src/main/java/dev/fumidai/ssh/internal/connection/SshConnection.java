// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import static dev.fumidai.ssh.internal.connection.ConnectionMessageNumbers.*;

import dev.fumidai.HopDisconnectedException;
import dev.fumidai.TargetUnreachableException;
import dev.fumidai.TunnelException;
import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import dev.fumidai.ssh.internal.transport.PipelineNames;
import dev.fumidai.ssh.internal.transport.PromptAcks;
import dev.fumidai.spi.StreamChannels;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the SSH connection protocol (RFC 4254) on an authenticated transport: opens channels as
 * {@link SshChannel} child channels, answers the server's global requests and channel opens, and probes
 * liveness with {@code keepalive@openssh.com}. Placed after the transport handler once user authentication
 * succeeded; reads payload {@code ByteBuf}s of message numbers 80 and up and writes payloads the same way.
 *
 * <h2>Threading</h2>
 * Event loop only, except the {@code open*} methods, which hop to the event loop.
 *
 * <h2>Reference counting</h2>
 * Every inbound payload is released here; channel data goes on as a retained slice.
 *
 * <h2>Bounds</h2>
 * At most {@link SshConnectionConfig#maxChannels()} channels open or opening; inbound data per channel is
 * bounded by our window, and data beyond it is a protocol violation (security-checklist C*, R24).
 *
 * <h2>Failure</h2>
 * A peer protocol violation (data beyond the window or after EOF, an unknown channel number, a window that
 * overflows 2^32, a reply nobody asked for) is raised at the head of the pipeline, so the transport sends
 * SSH_MSG_DISCONNECT and closes. When the connection ends, every channel is closed with
 * {@link SshChannel#closeWithCause} and every pending open fails, with one exception naming the hop.
 */
public final class SshConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SshConnection.class);

    /** Caps a uint32 window (RFC 4254 §5.2): growing beyond it is a violation (OpenSSH {@code 0cb50eefd}). */
    static final long MAX_WINDOW = 0xFFFF_FFFFL;

    private final SshConnectionConfig config;
    private final Map<Integer, SshChannel> channels = new HashMap<>();
    private final Runnable scheduledFlush = this::runScheduledFlush;
    private boolean flushScheduled;
    private final Map<Integer, CompletableFuture<? super SshChannel>> opening = new HashMap<>();
    /** Replies awaited, in order (RFC 4254 §4): completed with the response data, or {@code null} on failure. */
    private final ArrayDeque<CompletableFuture<byte[]>> pendingGlobal = new ArrayDeque<>();
    /** Channel requests sent with want-reply and not yet answered or failed, over all channels (event loop). */
    int channelRequestsAwaiting;
    /** Remote forwards the server may open channels for, by {@code tcp:<port>} or {@code unix:<path>}. */
    private final Map<String, ForwardAcceptor> remoteForwards = new HashMap<>();
    private final CompletableFuture<TunnelException> terminated = new CompletableFuture<>();

    private final Channel parent;
    /** The monotonic clock, in nanoseconds, that receive-window tuning measures round trips with. */
    private final LongSupplier nanoClock;
    private ChannelHandlerContext ctx;
    private int nextId;
    private boolean idsWrapped;
    private TunnelException failure;
    private ScheduledFuture<?> keepaliveTask;
    private boolean inboundSinceTick;
    private int silentProbes;

    private SshConnection(Channel parent, SshConnectionConfig config, LongSupplier nanoClock) {
        this.parent = Objects.requireNonNull(parent, "parent");
        this.config = Objects.requireNonNull(config, "config");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Adds the connection layer to a channel whose transport is authenticated, after
     * {@link PipelineNames#TRANSPORT} (or last when there is none, as in tests).
     */
    public static SshConnection install(Channel transportChannel, SshConnectionConfig config) {
        return install(transportChannel, config, System::nanoTime);
    }

    /**
     * Adds the connection layer as {@link #install(Channel, SshConnectionConfig)} does, with {@code nanoClock} as the
     * monotonic clock for receive-window tuning (tests drive it by hand).
     */
    static SshConnection install(Channel transportChannel, SshConnectionConfig config, LongSupplier nanoClock) {
        SshConnection connection = new SshConnection(transportChannel, config, nanoClock);
        if (transportChannel.pipeline().get(PipelineNames.TRANSPORT) != null) {
            if (transportChannel.pipeline().get(PipelineNames.USERAUTH) != null) {
                transportChannel.pipeline().addAfter(PipelineNames.USERAUTH, PipelineNames.CONNECTION, connection);
            } else {
                transportChannel.pipeline().addAfter(PipelineNames.TRANSPORT, PipelineNames.CONNECTION, connection);
            }
        } else {
            transportChannel.pipeline().addLast(PipelineNames.CONNECTION, connection);
        }
        PromptAcks acks = transportChannel.pipeline().get(PromptAcks.class);
        if (acks != null) {
            // From now on an answer is owed for a channel open, a global request or a channel request.
            acks.awaitingReplyWhile(connection::awaitingReply);
        }
        return connection;
    }

    /**
     * Returns whether a channel open, a global request or a channel request with want-reply awaits the server's
     * answer; on the event loop.
     */
    boolean awaitingReply() {
        return !opening.isEmpty() || !pendingGlobal.isEmpty() || channelRequestsAwaiting > 0;
    }

    /** Returns the configuration. */
    public SshConnectionConfig config() {
        return config;
    }

    /** Returns the monotonic clock's reading in nanoseconds. */
    long nanoTime() {
        return nanoClock.getAsLong();
    }

    /** Returns the connection channel. */
    public Channel channel() {
        return parent;
    }

    /** Returns whether the connection is usable (not failed, channel open). */
    public boolean isOpen() {
        return failure == null && ctx != null && ctx.channel().isActive();
    }

    /**
     * Returns a future completed, never exceptionally, with the exception naming the hop once the connection
     * has ended (peer violation, keepalive timeout, transport failure or close).
     */
    public CompletableFuture<TunnelException> terminated() {
        return terminated;
    }

    /** Returns the number of channels open or opening. Event loop only. */
    public int channelCount() {
        return channels.size();
    }

    /**
     * Opens a {@code direct-tcpip} channel to {@code host:port} (RFC 4254 §7.2).
     *
     * @return the registered, active channel with autoRead off, or failed with
     *         {@link TargetUnreachableException} carrying the server's reason code and text
     */
    public CompletableFuture<Channel> openDirectTcpip(String host, int port, String originAddress, int originPort) {
        String what = ChannelOpenDirectTcpipMessage.TYPE + " to " + host + ":" + port;
        return open(ChannelOpenDirectTcpipMessage.TYPE, what, id -> b -> new ChannelOpenDirectTcpipMessage(id,
                config.initialWindowSize(), config.maxPacketSize(), host, port, originAddress, originPort).encode(b))
                .thenApply(c -> c);
    }

    /** Opens a {@code direct-streamlocal@openssh.com} channel to the Unix socket {@code path} on the server. */
    public CompletableFuture<Channel> openDirectStreamlocal(String path) {
        String what = ChannelOpenDirectStreamlocalMessage.TYPE + " to " + path;
        return open(ChannelOpenDirectStreamlocalMessage.TYPE, what, id -> b -> new ChannelOpenDirectStreamlocalMessage(
                id, config.initialWindowSize(), config.maxPacketSize(), path).encode(b)).thenApply(c -> c);
    }

    /** Opens a {@code session} channel (RFC 4254 §6.1), for {@link SshChannel#exec}. */
    public CompletableFuture<SshChannel> openSession() {
        return open(ChannelOpenSessionMessage.TYPE, ChannelOpenSessionMessage.TYPE, id -> b ->
                new ChannelOpenSessionMessage(id, config.initialWindowSize(), config.maxPacketSize()).encode(b));
    }

    private interface OpenEncoder {
        Consumer<ByteBuf> forId(int id);
    }

    private CompletableFuture<SshChannel> open(String type, String what, OpenEncoder encoder) {
        CompletableFuture<SshChannel> result = new CompletableFuture<>();
        parent.eventLoop().execute(() -> {
            if (failure != null || ctx == null || !ctx.channel().isActive()) {
                result.completeExceptionally(failure != null ? failure
                        : new HopDisconnectedException(config.where(), "connection closed", null));
                return;
            }
            if (channelCount() >= config.maxChannels()) {
                result.completeExceptionally(new TargetUnreachableException(config.where(), "cannot open " + what
                        + ": " + config.maxChannels() + " channels already open (the configured bound)", null));
                return;
            }
            int id = allocateId();
            SshChannel ch = new SshChannel(ctx.channel(), this, id, type, what, config.initialWindowSize());
            channels.put(id, ch);
            opening.put(id, result);
            LOG.debug("{}: opening channel {} ({})", config.where(), id, type);
            send(encoder.forId(id));
            flush();
        });
        return result;
    }

    private int allocateId() {
        while (true) {
            int id = nextId++;
            if (nextId == Integer.MIN_VALUE) {
                // Ids are uint32 on the wire; we stay below 2^31 and wrap to 0, skipping ids in use.
                nextId = 0;
                idsWrapped = true;
            }
            if (!channels.containsKey(id)) {
                return id;
            }
        }
    }

    private boolean wasAllocated(int id) {
        return id >= 0 && (idsWrapped || id < nextId);
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (!config.keepaliveInterval().isZero()) {
            long interval = config.keepaliveInterval().toNanos();
            keepaliveTask = ctx.executor().scheduleAtFixedRate(this::keepaliveTick, interval, interval,
                    TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        fail(new HopDisconnectedException(config.where(), "SSH connection layer removed", null));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        fail(new HopDisconnectedException(config.where(), "connection closed", null));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
        // The transport fires its failure here before it sends DISCONNECT and closes; closing now would drop the
        // DISCONNECT. Without a transport (tests on EmbeddedChannel) nobody else closes.
        if (ctx.pipeline().get(PipelineNames.TRANSPORT) == null) {
            ctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            for (SshChannel ch : new ArrayList<>(channels.values())) {
                if (ch.isRegistered()) {
                    ch.resume();
                }
            }
        }
        super.channelWritabilityChanged(ctx);
    }

    /**
     * Probes an idle server with {@code keepalive@openssh.com} once per interval and fails the connection when
     * {@code countMax} probes in a row found it silent (security-checklist R30). Any message from the server
     * proves it alive and resets the count, so detection takes between count × interval and
     * (count + 1) × interval after the server's last message, like OpenSSH's {@code ServerAliveCountMax}.
     */
    private void keepaliveTick() {
        if (failure != null) {
            return;
        }
        if (inboundSinceTick) {
            inboundSinceTick = false;
            silentProbes = 0;
            return;
        }
        if (silentProbes >= config.keepaliveCountMax()) {
            String what = "server did not answer " + silentProbes + " keepalive probes sent "
                    + config.keepaliveInterval().toMillis() + " ms apart";
            raise(new HopDisconnectedException(config.where(), what, null));
            return;
        }
        silentProbes++;
        pendingGlobal.add(new CompletableFuture<>());
        send(b -> new GlobalRequestMessage(GlobalRequestMessage.KEEPALIVE, true, new byte[0]).encode(b));
        flush();
    }

    /** Fails the connection from the head of the pipeline so the transport disconnects first. */
    private void raise(Throwable cause) {
        ctx.pipeline().fireExceptionCaught(cause);
    }

    private void fail(Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = cause instanceof TunnelException t ? t
                : new HopDisconnectedException(config.where(), cause instanceof SshProtocolException
                        ? "protocol error: " + cause.getMessage() : String.valueOf(cause.getMessage()), cause);
        LOG.debug("{}: connection layer failed: {}", config.where(), failure.getMessage());
        if (keepaliveTask != null) {
            keepaliveTask.cancel(false);
        }
        List<SshChannel> all = new ArrayList<>(channels.values());
        channels.clear();
        List<CompletableFuture<? super SshChannel>> opens = new ArrayList<>(opening.values());
        opening.clear();
        for (CompletableFuture<? super SshChannel> f : opens) {
            f.completeExceptionally(failure);
        }
        for (SshChannel ch : all) {
            if (ch.isRegistered()) {
                ch.closeWithCause(failure);
            }
            ch.failRequests(failure);
            ch.finish();
        }
        remoteForwards.clear();
        CompletableFuture<byte[]> g;
        while ((g = pendingGlobal.poll()) != null) {
            g.completeExceptionally(failure);
        }
        terminated.complete(failure);
    }

    // ------------------------------------------------------------------ outbound

    boolean isWritable() {
        return ctx.channel().isWritable();
    }

    /**
     * Writes a payload for {@code owner} (null for a connection-wide message). A failed write, such as one the
     * transport refuses while a key exchange holds writes back, closes the owning channel with the cause; a
     * connection-wide message that fails fails the connection. Never a void promise: its failure would tear the
     * whole connection down from the pipeline, every channel with it.
     */
    void write(ByteBuf payload, SshChannel owner) {
        ChannelPromise promise = ctx.newPromise();
        promise.addListener(f -> {
            if (!f.isSuccess()) {
                writeFailed(owner, f.cause());
            }
        });
        ctx.write(payload, promise);
    }

    private void writeFailed(SshChannel owner, Throwable cause) {
        if (failure != null) {
            return;
        }
        if (owner == null) {
            raise(cause);
            return;
        }
        LOG.debug("{}: write on channel {} failed: {}", config.where(), owner.localId(), cause.getMessage());
        TunnelException typed = cause instanceof TunnelException t ? t
                : new HopDisconnectedException(config.where(), "write on " + owner.description() + " failed", cause);
        if (owner.isRegistered() && owner.isOpen()) {
            owner.closeWithCause(typed);
        }
    }

    void send(Consumer<ByteBuf> encoder) {
        send(encoder, null);
    }

    void send(Consumer<ByteBuf> encoder, SshChannel owner) {
        ByteBuf b = ctx.alloc().buffer();
        encoder.accept(b);
        write(b, owner);
    }

    void flush() {
        ctx.flush();
    }

    /**
     * Flushes as the loop's next task, once however often it is asked before then: the window adjusts returned while
     * the packets of one socket read are handled leave in one write (issue #14), where a flush each meant a
     * {@code send} to the hop, and a wake-up of its server, every few packets. What is written is already queued in
     * order, so a flush that comes first (a close, a data write) sends it.
     */
    void flushSoon() {
        if (flushScheduled) {
            return;
        }
        flushScheduled = true;
        try {
            ctx.executor().execute(scheduledFlush);
        } catch (RejectedExecutionException e) {
            flushScheduled = false; // the loop is shutting down: flush now
            ctx.flush();
        }
    }

    private void runScheduledFlush() {
        flushScheduled = false;
        ctx.flush();
    }

    /** Sends our CLOSE when the application closed the channel; forgets it once both sides closed (§5.3). */
    void channelClosed(SshChannel ch) {
        if (!ch.closeSent) {
            ch.closeSent = true;
            if (failure == null && ctx.channel().isActive()) {
                send(b -> new ChannelCloseMessage(ch.remoteId()).encode(b));
                flush();
            }
        }
        if (ch.closeReceived || failure != null) {
            channels.remove(ch.localId(), ch);
            ch.finish();
        }
    }

    // ------------------------------------------------------------------ inbound

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf payload)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            inboundSinceTick = true;
            if (failure == null) {
                handle(payload);
            }
        } catch (SshProtocolException e) {
            raise(e);
        } finally {
            payload.release();
        }
    }

    private void handle(ByteBuf in) throws SshProtocolException {
        if (!in.isReadable()) {
            throw new SshProtocolException("empty payload");
        }
        int type = in.getUnsignedByte(in.readerIndex());
        switch (type) {
            case CHANNEL_DATA -> onData(in);
            case CHANNEL_EXTENDED_DATA -> onExtendedData(in);
            case CHANNEL_WINDOW_ADJUST -> onWindowAdjust(ChannelWindowAdjustMessage.decode(in));
            case CHANNEL_EOF -> onEof(ChannelEofMessage.decode(in));
            case CHANNEL_CLOSE -> onClose(ChannelCloseMessage.decode(in));
            case CHANNEL_REQUEST -> onRequest(ChannelRequestMessage.decode(in));
            case CHANNEL_SUCCESS -> onRequestReply(ChannelSuccessMessage.decode(in).recipientChannel(), true);
            case CHANNEL_FAILURE -> onRequestReply(ChannelFailureMessage.decode(in).recipientChannel(), false);
            case CHANNEL_OPEN_CONFIRMATION -> onOpenConfirmation(ChannelOpenConfirmationMessage.decode(in));
            case CHANNEL_OPEN_FAILURE -> onOpenFailure(ChannelOpenFailureMessage.decode(in));
            case CHANNEL_OPEN -> onPeerOpen(ChannelOpenMessage.decode(in));
            case GLOBAL_REQUEST -> onGlobalRequest(GlobalRequestMessage.decode(in));
            case REQUEST_SUCCESS -> onGlobalReply(RequestSuccessMessage.decode(in).responseData());
            case REQUEST_FAILURE -> onGlobalReply(null);
            default -> {
                if (type >= 128) {
                    // RFC 4251 §7: 128..191 are reserved for client protocols, 192..255 for local extensions;
                    // the transport handles those it knows (PING); the rest are ignored, not fatal.
                    LOG.debug("{}: ignored message {}", config.where(), type);
                } else {
                    throw new SshProtocolException("unexpected message " + type + " on an authenticated connection");
                }
            }
        }
    }

    /** Finds the channel a message names; an id never allocated is a violation, a closed one returns null. */
    private SshChannel channel(int id, String what) throws SshProtocolException {
        SshChannel ch = channels.get(id);
        if (ch == null) {
            if (wasAllocated(id)) {
                // R25: a message for a channel that is already closed is ignored (it may have crossed our CLOSE).
                LOG.debug("{}: {} for closed channel {} ignored", config.where(), what, id);
                return null;
            }
            throw new SshProtocolException(what + " for unknown channel " + Integer.toUnsignedString(id));
        }
        if (!ch.isConfirmed()) {
            throw new SshProtocolException(what + " for channel " + id + " before its open was confirmed");
        }
        if (ch.closeReceived) {
            // R25: nothing after the peer's CLOSE reaches the application.
            LOG.debug("{}: {} after CLOSE on channel {} ignored", config.where(), what, id);
            return null;
        }
        return ch;
    }

    private void onData(ByteBuf in) throws SshProtocolException {
        in.skipBytes(1);
        int id = (int) SshWire.readUint32(in);
        int length = readDataLength(in);
        SshChannel ch = channel(id, "SSH_MSG_CHANNEL_DATA");
        if (ch == null) {
            return;
        }
        if (ch.eofReceived) {
            throw new SshProtocolException("SSH_MSG_CHANNEL_DATA after EOF on channel " + id + " (RFC 4254 §5.3)");
        }
        checkWindow(ch, length);
        if (ch.closeSent || !ch.isOpen()) {
            return;
        }
        ch.receiveData(in.readRetainedSlice(length));
    }

    private void onExtendedData(ByteBuf in) throws SshProtocolException {
        in.skipBytes(1);
        int id = (int) SshWire.readUint32(in);
        int code = (int) SshWire.readUint32(in);
        int length = readDataLength(in);
        SshChannel ch = channel(id, "SSH_MSG_CHANNEL_EXTENDED_DATA");
        if (ch == null) {
            return;
        }
        if (ch.eofReceived) {
            throw new SshProtocolException("SSH_MSG_CHANNEL_EXTENDED_DATA after EOF on channel " + id);
        }
        checkWindow(ch, length);
        if (ch.closeSent || !ch.isOpen()) {
            return;
        }
        // Extended data (stderr of exec) goes to the pipeline as an event; the channel returns its window.
        ch.receiveExtendedData(code, in.readRetainedSlice(length));
    }

    private int readDataLength(ByteBuf in) throws SshProtocolException {
        long length = SshWire.readUint32(in);
        if (length != in.readableBytes()) {
            throw new SshProtocolException("channel data length " + length + " does not match the "
                    + in.readableBytes() + " bytes in the message");
        }
        return (int) length;
    }

    private void checkWindow(SshChannel ch, int length) throws SshProtocolException {
        if (length > config.maxPacketSize()) {
            throw new SshProtocolException("channel " + ch.localId() + ": " + length
                    + " bytes of data in one message, more than our maximum packet size " + config.maxPacketSize());
        }
        if (!ch.takeWindow(length)) {
            throw new SshProtocolException("channel " + ch.localId() + ": " + length
                    + " bytes of data beyond our window of " + ch.localWindow() + " (RFC 4254 §5.2)");
        }
    }

    private void onWindowAdjust(ChannelWindowAdjustMessage m) throws SshProtocolException {
        SshChannel ch = channel(m.recipientChannel(), "SSH_MSG_CHANNEL_WINDOW_ADJUST");
        if (ch == null) {
            return;
        }
        if (ch.remoteWindow() + m.bytesToAdd() > MAX_WINDOW) {
            throw new SshProtocolException("channel " + ch.localId() + ": window adjust of " + m.bytesToAdd()
                    + " overflows 2^32 (RFC 4254 §5.2)");
        }
        if (ch.isRegistered()) {
            ch.addRemoteWindow(m.bytesToAdd());
        }
    }

    private void onEof(ChannelEofMessage m) throws SshProtocolException {
        SshChannel ch = channel(m.recipientChannel(), "SSH_MSG_CHANNEL_EOF");
        if (ch == null || ch.eofReceived) {
            return;
        }
        ch.receiveEof();
    }

    private void onClose(ChannelCloseMessage m) throws SshProtocolException {
        SshChannel ch = channel(m.recipientChannel(), "SSH_MSG_CHANNEL_CLOSE");
        if (ch == null) {
            return;
        }
        LOG.debug("{}: channel {} closed by the server", config.where(), ch.localId());
        if (ch.closeSent) {
            ch.closeReceived = true;
            channels.remove(ch.localId(), ch);
            ch.finish();
            return;
        }
        ch.receiveClose();
    }

    private void onRequest(ChannelRequestMessage m) throws SshProtocolException {
        SshChannel ch = channel(m.recipientChannel(), "SSH_MSG_CHANNEL_REQUEST");
        if (ch == null) {
            return;
        }
        switch (m.requestType()) {
            case ChannelRequestMessage.EXIT_STATUS -> ch.exitStatusReceived(ExitStatus.exited(m.exitStatusValue()));
            case ChannelRequestMessage.EXIT_SIGNAL -> ch.exitStatusReceived(m.exitSignalValue());
            default -> {
                if (m.wantReply() && !ch.closeSent) {
                    // RFC 4254 §5.4: requests we do not know (keepalive@openssh.com among them) get FAILURE.
                    send(b -> new ChannelFailureMessage(ch.remoteId()).encode(b));
                    flush();
                }
            }
        }
    }

    private void onRequestReply(int id, boolean success) throws SshProtocolException {
        SshChannel ch = channel(id, success ? "SSH_MSG_CHANNEL_SUCCESS" : "SSH_MSG_CHANNEL_FAILURE");
        if (ch == null) {
            return;
        }
        CompletableFuture<Void> f = ch.pollRequest();
        if (f == null) {
            throw new SshProtocolException("channel request reply on channel " + id + " without a request");
        }
        if (success) {
            f.complete(null);
        } else {
            f.completeExceptionally(new TargetUnreachableException(config.where(), "the server refused the request on "
                    + ch.description(), null));
        }
    }

    private void onOpenConfirmation(ChannelOpenConfirmationMessage m) throws SshProtocolException {
        int id = m.recipientChannel();
        CompletableFuture<? super SshChannel> f = opening.remove(id);
        SshChannel ch = channels.get(id);
        if (f == null || ch == null) {
            throw new SshProtocolException("SSH_MSG_CHANNEL_OPEN_CONFIRMATION for channel "
                    + Integer.toUnsignedString(id) + ", which is not being opened");
        }
        if (m.maximumPacketSize() == 0) {
            // R24 (libssh CVE-2026-59843): a channel we could never send on is refused and closed.
            ch.closeSent = true;
            ch.confirm(m.senderChannel(), 0, 1);
            send(b -> new ChannelCloseMessage(m.senderChannel()).encode(b));
            flush();
            f.completeExceptionally(new TargetUnreachableException(config.where(), ch.description()
                    + ": the server confirmed the channel with maximum packet size 0", null));
            return;
        }
        int packet = (int) Math.min(config.maxPacketSize(), m.maximumPacketSize());
        ch.confirm(m.senderChannel(), m.initialWindowSize(), packet);
        ch.config().setAutoRead(false);
        StreamChannels.hold(ch);
        ctx.channel().eventLoop().register(ch).addListener(r -> {
            if (r.isSuccess()) {
                LOG.debug("{}: channel {} open ({}), server window {}, packet {}", config.where(), id,
                        ch.channelType(), m.initialWindowSize(), packet);
                if (!f.complete(ch)) {
                    ch.close();
                }
            } else {
                ch.closeSent = true;
                channels.remove(id, ch);
                f.completeExceptionally(r.cause());
            }
        });
    }

    private void onOpenFailure(ChannelOpenFailureMessage m) throws SshProtocolException {
        int id = m.recipientChannel();
        CompletableFuture<? super SshChannel> f = opening.remove(id);
        SshChannel ch = channels.remove(id);
        if (f == null || ch == null) {
            throw new SshProtocolException("SSH_MSG_CHANNEL_OPEN_FAILURE for channel "
                    + Integer.toUnsignedString(id) + ", which is not being opened");
        }
        String text = printable(m.description());
        LOG.debug("{}: channel {} refused: {} ({})", config.where(), id,
                ChannelOpenFailureMessage.reasonName(m.reasonCode()), m.reasonCode());
        f.completeExceptionally(new TargetUnreachableException(config.where(), ch.description()
                + " refused by the server: " + ChannelOpenFailureMessage.reasonName(m.reasonCode()) + " (code "
                + Integer.toUnsignedString(m.reasonCode()) + ")" + (text.isEmpty() ? "" : ": " + text), null,
                refusalOf(m.reasonCode())));
    }

    /** Maps an SSH_MSG_CHANNEL_OPEN_FAILURE reason code (RFC 4254 §5.1) to what core's callers act on. */
    static TargetUnreachableException.Refusal refusalOf(int reasonCode) {
        return switch (reasonCode) {
            case ChannelOpenFailureMessage.ADMINISTRATIVELY_PROHIBITED -> TargetUnreachableException.Refusal.PROHIBITED;
            case ChannelOpenFailureMessage.CONNECT_FAILED -> TargetUnreachableException.Refusal.CONNECT_FAILED;
            default -> TargetUnreachableException.Refusal.UNKNOWN;
        };
    }

    /**
     * Accepts a server's {@code forwarded-tcpip} (RFC 4254 §7.2) or {@code forwarded-streamlocal@openssh.com}
     * (OpenSSH PROTOCOL §2.4) channel for a remote forward this client asked for; refuses every other channel
     * open (no agent or X11 forwarding, no forward we did not request) with SSH_OPEN_ADMINISTRATIVELY_PROHIBITED.
     */
    private void onPeerOpen(ChannelOpenMessage m) {
        String type = m.channelType();
        ForwardAcceptor acceptor = null;
        String what = type;
        String origin = "";
        int originPort = 0;
        try {
            ByteBuf d = m.typeSpecificBuffer();
            if (FORWARDED_TCPIP.equals(type)) {
                String address = SshWire.readString(d);
                long port = SshWire.readUint32(d);
                origin = SshWire.readString(d);
                originPort = (int) SshWire.readUint32(d);
                acceptor = remoteForwards.get("tcp:" + port);
                what = type + " for " + printable(address) + ":" + port;
            } else if (FORWARDED_STREAMLOCAL.equals(type)) {
                String path = SshWire.readString(d);
                acceptor = remoteForwards.get("unix:" + path);
                what = type + " for " + printable(path);
            }
        } catch (SshProtocolException | RuntimeException e) {
            acceptor = null;
        }
        if (acceptor == null) {
            LOG.debug("{}: refused server channel open {}", config.where(), printable(what));
            send(b -> new ChannelOpenFailureMessage(m.senderChannel(),
                    ChannelOpenFailureMessage.ADMINISTRATIVELY_PROHIBITED, "channel not accepted by this client", "")
                    .encode(b));
            flush();
            return;
        }
        if (channelCount() >= config.maxChannels() || m.maximumPacketSize() == 0) {
            LOG.debug("{}: refused server channel open {}: channel bound or zero packet size", config.where(), what);
            send(b -> new ChannelOpenFailureMessage(m.senderChannel(), ChannelOpenFailureMessage.RESOURCE_SHORTAGE,
                    "too many channels", "").encode(b));
            flush();
            return;
        }
        int id = allocateId();
        SshChannel ch = new SshChannel(ctx.channel(), this, id, type, what, config.initialWindowSize());
        channels.put(id, ch);
        int packet = (int) Math.min(config.maxPacketSize(), m.maximumPacketSize());
        ch.confirm(m.senderChannel(), m.initialWindowSize(), packet);
        ch.config().setAutoRead(false);
        StreamChannels.hold(ch);
        ForwardAcceptor a = acceptor;
        String o = printable(origin);
        int op = originPort;
        // Registering from the event loop runs at once, so the channel is ready before the server's first data.
        ctx.channel().eventLoop().register(ch).addListener(r -> {
            if (!r.isSuccess()) {
                ch.closeSent = true;
                channels.remove(id, ch);
                send(b -> new ChannelCloseMessage(m.senderChannel()).encode(b));
                flush();
                return;
            }
            a.accept(ch, o, op);
        });
        send(b -> new ChannelOpenConfirmationMessage(m.senderChannel(), id, config.initialWindowSize(),
                config.maxPacketSize()).encode(b));
        flush();
        LOG.debug("{}: accepted server channel {} as {}", config.where(), what, id);
    }

    /** Is the channel type of a connection to a remote TCP forward (RFC 4254 §7.2). */
    public static final String FORWARDED_TCPIP = "forwarded-tcpip";
    /** Is the channel type of a connection to a remote Unix socket forward (OpenSSH PROTOCOL §2.4). */
    public static final String FORWARDED_STREAMLOCAL = "forwarded-streamlocal@openssh.com";

    /** Receives the channels the server opens for one remote forward. Called on the event loop; must not block. */
    @FunctionalInterface
    public interface ForwardAcceptor {
        /**
         * Takes an accepted channel (registered, active, held, {@code autoRead} off) and the originator the server
         * reported (empty and 0 for Unix sockets).
         */
        void accept(Channel channel, String originAddress, int originPort);
    }

    /**
     * Sends a global request with {@code want_reply} (RFC 4254 §4).
     *
     * @return completed with the response data on SSH_MSG_REQUEST_SUCCESS, with {@code null} on
     *         SSH_MSG_REQUEST_FAILURE; failed when the connection ends first
     */
    public CompletableFuture<byte[]> globalRequest(String name, Consumer<ByteBuf> data) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        parent.eventLoop().execute(() -> {
            if (failure != null || ctx == null || !ctx.channel().isActive()) {
                result.completeExceptionally(failure != null ? failure
                        : new HopDisconnectedException(config.where(), "connection closed", null));
                return;
            }
            ByteBuf body = ctx.alloc().buffer();
            try {
                data.accept(body);
                byte[] bytes = new byte[body.readableBytes()];
                body.readBytes(bytes);
                pendingGlobal.add(result);
                send(b -> new GlobalRequestMessage(name, true, bytes).encode(b));
                flush();
            } finally {
                body.release();
            }
        });
        return result;
    }

    /**
     * Lets the server open channels for a remote forward ({@code tcp:<port>} or {@code unix:<path>}), or stops
     * when {@code acceptor} is {@code null}. Runs on the event loop (inline when called there); the future completes once done.
     */
    public CompletableFuture<Void> remoteForward(String key, ForwardAcceptor acceptor) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable task = () -> {
            if (acceptor == null) {
                remoteForwards.remove(key);
            } else if (failure == null) {
                remoteForwards.put(key, acceptor);
            }
            done.complete(null);
        };
        // Inline on the event loop: called from a global reply's completion, the forward is then registered before
        // the next message (a channel open for it) is read.
        if (parent.eventLoop().inEventLoop()) {
            task.run();
        } else {
            parent.eventLoop().execute(task);
        }
        return done;
    }

    private void onGlobalRequest(GlobalRequestMessage m) {
        boolean accepted = GlobalRequestMessage.HOSTKEYS.equals(m.requestName());
        if (accepted) {
            // OpenSSH PROTOCOL §2.5: the server lists its host keys; we accept the notice and learn nothing from it.
            LOG.debug("{}: host key notice of {} bytes accepted", config.where(), m.requestData().length);
        }
        if (m.wantReply()) {
            send(b -> {
                if (accepted) {
                    new RequestSuccessMessage(new byte[0]).encode(b);
                } else {
                    new RequestFailureMessage().encode(b);
                }
            });
            flush();
        }
    }

    private void onGlobalReply(byte[] responseData) throws SshProtocolException {
        CompletableFuture<byte[]> f = pendingGlobal.poll();
        if (f == null) {
            throw new SshProtocolException("global request reply without a request (RFC 4254 §4)");
        }
        f.complete(responseData);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 256));
        for (int i = 0; i < s.length() && i < 256; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c != 0x7f ? c : '?');
        }
        return b.toString();
    }
}
