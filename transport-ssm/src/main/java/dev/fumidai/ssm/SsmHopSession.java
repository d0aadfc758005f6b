// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import dev.fumidai.HopDisconnectedException;
import dev.fumidai.Target;
import dev.fumidai.TargetUnreachableException;
import dev.fumidai.audit.AwsIdentity;
import dev.fumidai.audit.Credential;
import dev.fumidai.audit.CredentialType;
import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.HopDisconnected;
import dev.fumidai.audit.HopInfo;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.spi.HopContext;
import dev.fumidai.spi.HopSession;
import dev.fumidai.spi.Hops;
import dev.fumidai.ssm.internal.session.DataChannelConfig;
import dev.fumidai.ssm.internal.session.SessionCredentials;
import dev.fumidai.ssm.internal.session.SsmDataChannel;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Is a connected {@link SsmHop}: one Session Manager session per distinct target, started on the first stream
 * to it and shared by every later stream to the same target (smux, §8.4). Each SSM session that comes up is
 * recorded as a {@code hop.connect} audit event carrying its SSM session id, which joins CloudTrail's record.
 *
 * <h2>Threading</h2>
 * Thread-safe; the session table is guarded by this object's monitor and nothing blocks.
 *
 * <h2>Closing</h2>
 * {@link #close()} sends the TerminateSession flag on every data channel and calls the TerminateSession API for
 * every session (§10.1, §11 item 10).
 */
final class SsmHopSession implements HopSession {

    private static final Logger LOG = LoggerFactory.getLogger(SsmHopSession.class);

    private final String ssmTarget;
    private final SsmHop hop;
    private final HopContext ctx;
    private final SsmApi api;
    private final AutoCloseable ownedApi;
    private final String connectionId;
    private final Map<Target, CompletableFuture<SsmDataChannel>> sessions = new HashMap<>();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private volatile String lastSessionId;
    private CompletableFuture<@Nullable AwsIdentity> identity;
    private boolean closed;

    SsmHopSession(SsmHop hop, HopContext ctx, SsmApi api, AutoCloseable ownedApi) {
        this(hop, ctx, api, ownedApi, hop.target());
    }

    /** Creates a session whose StartSession target is {@code target} (the hop's, or what its name resolved to). */
    SsmHopSession(SsmHop hop, HopContext ctx, SsmApi api, AutoCloseable ownedApi, String target) {
        this.ssmTarget = target;
        this.hop = hop;
        this.ctx = ctx;
        this.api = api;
        this.ownedApi = ownedApi;
        this.connectionId = ctx.newConnectionId();
    }

    @Override
    public CompletableFuture<Channel> open(Target target) {
        String where = Hops.describe(hop, target);
        if (target.isUnixSocket()) {
            return CompletableFuture.failedFuture(new TargetUnreachableException(where,
                    "Session Manager port forwarding reaches TCP ports only", null));
        }
        CompletableFuture<SsmDataChannel> dc;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new HopDisconnectedException(where, "hop session closed",
                        null));
            }
            dc = sessions.get(target);
            if (dc == null) {
                dc = startSession(target, where);
                sessions.put(target, dc);
                CompletableFuture<SsmDataChannel> mine = dc;
                dc.whenComplete((d, t) -> {
                    if (t != null) {
                        forget(target, mine);
                    } else {
                        d.closeFuture().whenComplete((v, e) -> forget(target, mine));
                    }
                });
            }
        }
        return dc.thenCompose(SsmDataChannel::openStream);
    }

    private CompletableFuture<SsmDataChannel> startSession(Target target, String where) {
        StartSessionRequest request;
        try {
            request = request(target);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new TargetUnreachableException(where, e.getMessage(), e));
        }
        DataChannelConfig base = DataChannelConfig.defaults(where)
                .withClientVersion(hop.clientVersion())
                .withHandshakeTimeout(ctx.connectTimeout().plus(ctx.handshakeTimeout()))
                .withPings(hop.pingInterval(), hop.pingInterval().multipliedBy(2).dividedBy(3))
                .withReconnectBudget(hop.reconnectBudget())
                .withSslContext(hop.sslContext());
        if (hop.insecurePlaintextWebSocketForTesting()) {
            base = base.withInsecurePlaintextWebSocketForTesting();
        }
        DataChannelConfig config;
        try {
            config = base.withProxy(hop.proxy());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new dev.fumidai.HopUnreachableException(where, e.getMessage(), e));
        }
        java.time.Instant started = ctx.clock().instant();
        CompletableFuture<@Nullable AwsIdentity> identity = callerIdentity();
        return api.startSession(request).thenCompose(ticket -> {
            lastSessionId = ticket.sessionId();
            SessionCredentials creds = new SessionCredentials(ticket.sessionId(), ticket.streamUrl(),
                    ticket.tokenValue());
            return SsmDataChannel.open(ctx.eventLoopGroup().next(), creds, config,
                    id -> api.resumeSession(id).thenApply(t -> new SessionCredentials(t.sessionId(),
                            t.streamUrl(), t.tokenValue())))
                    .whenComplete((d, t) -> audit(target, ticket.sessionId(), t, identity, started, d))
                    .exceptionallyCompose(t -> {
                        api.terminateSession(ticket.sessionId()); // best effort: do not leave it running
                        return CompletableFuture.failedFuture(t);
                    });
        });
    }

    private StartSessionRequest request(Target target) {
        String document = hop.document();
        Map<String, List<String>> params = new HashMap<>();
        params.put("portNumber", List.of(String.valueOf(target.port())));
        if ("AWS-StartPortForwardingSessionToRemoteHost".equals(document)) {
            params.put("host", List.of(target.host()));
            params.put("localPortNumber", List.of("0"));
        } else {
            String h = target.host();
            if (!("localhost".equals(h) || "127.0.0.1".equals(h) || "::1".equals(h))) {
                throw new IllegalArgumentException("document " + document + " reaches ports on the instance only "
                        + "(localhost); use AWS-StartPortForwardingSessionToRemoteHost for " + target);
            }
            if ("AWS-StartPortForwardingSession".equals(document)) {
                params.put("localPortNumber", List.of("0"));
            }
        }
        return new StartSessionRequest(ssmTarget, document, params, hop.reason());
    }

    /** Resolves the caller's AWS identity once per hop session; never fails (null when unknown). */
    private synchronized CompletableFuture<@Nullable AwsIdentity> callerIdentity() {
        if (identity == null) {
            CompletableFuture<@Nullable AwsIdentity> f;
            try {
                f = api.callerIdentity();
            } catch (RuntimeException e) {
                f = CompletableFuture.completedFuture(null);
            }
            identity = f.exceptionally(t -> null);
        }
        return identity;
    }

    /**
     * Records one {@code hop.connect} per SSM session with its session id, the target, document and the caller's
     * AWS identity ({@code credential.aws}, classed sensitive), and its {@code hop.disconnect} when the data
     * channel ends. The route records none for this hop session ({@link #recordsOwnConnections()}).
     */
    private void audit(Target target, String ssmSessionId, @Nullable Throwable failure,
            CompletableFuture<@Nullable AwsIdentity> id, java.time.Instant started, SsmDataChannel dc) {
        HopInfo info = described().withSsmSessionId(ssmSessionId);
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        Reason reason = cause == null ? null : Reason.of(ReasonCode.NETWORK_ERROR, cause);
        AwsIdentity aws = id.getNow(null); // resolved long before the data channel's handshake ends
        Credential credential = aws == null ? Credential.of(CredentialType.AWS_IAM)
                : new Credential(CredentialType.AWS_IAM, null, null, aws);
        String connId = connectionId + "/" + ssmSessionId;
        try {
            ctx.audit().emit(new HopConnected(ctx.audit().header(), cause == null ? Outcome.SUCCESS : Outcome.FAILURE,
                    reason, ctx.hopIndex(), info, connId, credential));
        } catch (RuntimeException e) {
            LOG.warn("{}: audit emit failed: {}", Hops.describe(hop, target), e.toString());
            return;
        }
        if (dc == null) {
            return;
        }
        dc.closeFuture().whenComplete((v, t) -> {
            java.time.Instant now = ctx.clock().instant();
            Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            Reason r = c == null ? Reason.of(isOpen() ? ReasonCode.CLOSED_BY_SERVER : ReasonCode.CLOSED_BY_APPLICATION)
                    : Reason.of(c instanceof SsmChannelClosedException ? ReasonCode.CLOSED_BY_SERVER
                            : ReasonCode.NETWORK_ERROR, c);
            try {
                ctx.audit().emit(new HopDisconnected(ctx.audit().header(), c == null ? Outcome.SUCCESS : Outcome.ERROR,
                        r, ctx.hopIndex(), info, connId, started, java.time.Duration.between(started, now).toMillis()));
            } catch (RuntimeException e) {
                LOG.warn("{}: audit emit failed: {}", Hops.describe(hop, target), e.toString());
            }
        });
    }

    @Override
    public boolean recordsOwnConnections() {
        return true;
    }

    private synchronized void forget(Target target, CompletableFuture<SsmDataChannel> f) {
        sessions.remove(target, f);
    }

    @Override
    public synchronized boolean isOpen() {
        return !closed;
    }

    @Override
    public HopInfo info() {
        return described().withSsmSessionId(lastSessionId);
    }

    /**
     * Returns the hop's description with the target Session Manager was asked for: for a by-name target
     * ({@code name:web-1}, {@code ecs:<cluster>/<task>/<container>}) {@code ssm_target} is the instance or ECS target
     * it resolved to, which CloudTrail records, and {@code host} keeps the form as configured.
     */
    private HopInfo described() {
        HopInfo d = hop.describe();
        if (ssmTarget.equals(d.ssmTarget())) {
            return d;
        }
        return new HopInfo(d.transport(), d.name(), d.ssmTarget(), d.address(), d.port(), d.hostKey(), ssmTarget,
                d.region(), d.ssmSessionId(), d.crypto(), d.remoteLogin());
    }

    @Override
    public String connectionId() {
        return connectionId;
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    @Override
    public CompletableFuture<Void> close() {
        List<CompletableFuture<SsmDataChannel>> all;
        synchronized (this) {
            if (closed) {
                return closeFuture;
            }
            closed = true;
            all = new ArrayList<>(sessions.values());
            sessions.clear();
        }
        List<CompletableFuture<?>> steps = new ArrayList<>();
        for (CompletableFuture<SsmDataChannel> f : all) {
            steps.add(f.handle((dc, t) -> dc).thenCompose(dc -> {
                if (dc == null) {
                    return CompletableFuture.completedFuture(null);
                }
                return dc.close().handle((v, t) -> null)
                        .thenCompose(v -> api.terminateSession(dc.sessionId()).handle((x, t) -> null));
            }));
        }
        CompletableFuture.allOf(steps.toArray(new CompletableFuture<?>[0])).whenComplete((v, t) -> {
            if (ownedApi != null) {
                try {
                    ownedApi.close();
                } catch (Exception e) {
                    LOG.debug("closing the SSM API client failed: {}", e.toString());
                }
            }
            closeFuture.complete(null);
        });
        return closeFuture;
    }
}
