// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.session;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.Objects;

/**
 * Configures the client end of a data channel.
 *
 * @param where the hop description used in exception messages ({@code Hops.describe})
 * @param clientVersion the ClientVersion reported in OpenDataChannel and the HandshakeResponse; must be above
 *     1.2.331.0 so the agent switches smux keepalive off (§6.3, §8.1)
 * @param handshakeTimeout how long the websocket connect plus handshake may take
 * @param pingInterval how often to send a websocket ping (§3.3 advises 30–60 s)
 * @param pongTimeout how long a ping may stay unanswered before the socket counts as broken
 * @param reconnectBudget how long to keep trying ResumeSession and reconnecting after a loss (§10.3, §11 item 9)
 * @param maxPayload the largest Output payload sent; the reference ends use 1024 (§9)
 * @param maxUnackedBytes the bound on sent-but-unacknowledged frame bytes (§5.4)
 * @param sslContext the TLS context for {@code wss} URLs, or {@code null} for the JDK's default trust
 * @param proxy the HTTP proxy the websocket tunnels through with CONNECT, or {@code null} for none
 * @param insecurePlaintextWebSocketForTesting whether a {@code ws://} StreamUrl is followed; off by default, when
 *     only {@code wss://} is (a fake service on loopback in tests is the only use)
 */
public record DataChannelConfig(String where, String clientVersion, Duration handshakeTimeout, Duration pingInterval,
        Duration pongTimeout, Duration reconnectBudget, int maxPayload, long maxUnackedBytes, SSLContext sslContext,
        HttpsProxy proxy, boolean insecurePlaintextWebSocketForTesting) {

    /** Is the ClientVersion reported by default: the plugin release the spec was written against (§0). */
    public static final String DEFAULT_CLIENT_VERSION = "1.2.677.0";

    public DataChannelConfig {
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(clientVersion, "clientVersion");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(pongTimeout, "pongTimeout");
        Objects.requireNonNull(reconnectBudget, "reconnectBudget");
        if (maxPayload < 1 || maxUnackedBytes < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
    }

    /** Returns the defaults: 30 s handshake, 30 s pings, 20 s pong deadline, 15 min reconnect budget. */
    public static DataChannelConfig defaults(String where) {
        return new DataChannelConfig(where, DEFAULT_CLIENT_VERSION, Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofSeconds(20), Duration.ofMinutes(15), 1024,
                dev.fumidai.ssm.internal.datachannel.OutgoingMessageBuffer.DEFAULT_MAX_BYTES, null, null, false);
    }

    /** Returns a copy with another handshake timeout. */
    public DataChannelConfig withHandshakeTimeout(Duration d) {
        return new DataChannelConfig(where, clientVersion, d, pingInterval, pongTimeout, reconnectBudget, maxPayload,
                maxUnackedBytes, sslContext, proxy, insecurePlaintextWebSocketForTesting);
    }

    /** Returns a copy with another ping interval and pong deadline. */
    public DataChannelConfig withPings(Duration interval, Duration timeout) {
        return new DataChannelConfig(where, clientVersion, handshakeTimeout, interval, timeout, reconnectBudget,
                maxPayload, maxUnackedBytes, sslContext, proxy, insecurePlaintextWebSocketForTesting);
    }

    /** Returns a copy with another reconnect budget. */
    public DataChannelConfig withReconnectBudget(Duration d) {
        return new DataChannelConfig(where, clientVersion, handshakeTimeout, pingInterval, pongTimeout, d, maxPayload,
                maxUnackedBytes, sslContext, proxy, insecurePlaintextWebSocketForTesting);
    }

    /** Returns a copy with another client version. */
    public DataChannelConfig withClientVersion(String v) {
        return new DataChannelConfig(where, v, handshakeTimeout, pingInterval, pongTimeout, reconnectBudget,
                maxPayload, maxUnackedBytes, sslContext, proxy, insecurePlaintextWebSocketForTesting);
    }

    /** Returns a copy with another largest Output payload. */
    public DataChannelConfig withMaxPayload(int bytes) {
        return new DataChannelConfig(where, clientVersion, handshakeTimeout, pingInterval, pongTimeout,
                reconnectBudget, bytes, maxUnackedBytes, sslContext, proxy, insecurePlaintextWebSocketForTesting);
    }

    /** Returns a copy with a TLS context. */
    public DataChannelConfig withSslContext(SSLContext ctx) {
        return new DataChannelConfig(where, clientVersion, handshakeTimeout, pingInterval, pongTimeout,
                reconnectBudget, maxPayload, maxUnackedBytes, ctx, proxy, insecurePlaintextWebSocketForTesting);
    }

    /** Returns a copy whose websocket goes through this proxy ({@code null}: none). */
    public DataChannelConfig withProxy(HttpsProxy p) {
        return new DataChannelConfig(where, clientVersion, handshakeTimeout, pingInterval, pongTimeout,
                reconnectBudget, maxPayload, maxUnackedBytes, sslContext, p, insecurePlaintextWebSocketForTesting);
    }

    /**
     * Returns a copy that follows a {@code ws://} StreamUrl (no TLS: the session token and all data in clear). For
     * tests against a fake service on loopback only.
     */
    public DataChannelConfig withInsecurePlaintextWebSocketForTesting() {
        return new DataChannelConfig(where, clientVersion, handshakeTimeout, pingInterval, pongTimeout,
                reconnectBudget, maxPayload, maxUnackedBytes, sslContext, proxy, true);
    }
}
