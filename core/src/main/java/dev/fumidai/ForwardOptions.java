// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Configures a {@link LocalForward}: where it listens and whom it lets in. Immutable; build with
 * {@link #builder()}, derive with {@link #toBuilder()}.
 *
 * Configures a {@link DynamicForward} too: the same listener options, plus the SOCKS handshake bound and
 * optional RFC 1929 credentials.
 *
 * <p>Defaults: {@code 127.0.0.1}, an ephemeral port, at most 1024 concurrent connections, any local client,
 * active connections closed when the forward closes, 10 s for a SOCKS handshake, no SOCKS authentication.
 */
public final class ForwardOptions {

    /** Says what happens to active connections when the forward closes. */
    public enum OnClose {
        /** Close them at once. */
        CLOSE,
        /** Let them finish, up to the drain timeout, then close the rest. */
        DRAIN
    }

    private static final ForwardOptions DEFAULTS = builder().build();

    private final String bindAddress;
    private final int bindPort;
    private final Path unixSocket;
    private final int maxConnections;
    private final boolean acceptOnce;
    private final Predicate<InetSocketAddress> acceptFilter;
    private final OnClose onClose;
    private final Duration drainTimeout;
    private final Duration handshakeTimeout;
    private final String socksUser;
    private final char[] socksPassword;

    private ForwardOptions(Builder b) {
        this.bindAddress = b.bindAddress;
        this.bindPort = b.bindPort;
        this.unixSocket = b.unixSocket;
        this.maxConnections = b.maxConnections;
        this.acceptOnce = b.acceptOnce;
        this.acceptFilter = b.acceptFilter;
        this.onClose = b.onClose;
        this.drainTimeout = b.drainTimeout;
        this.handshakeTimeout = b.handshakeTimeout;
        this.socksUser = b.socksUser;
        this.socksPassword = b.socksPassword == null ? null : b.socksPassword.clone();
    }

    /** Returns the defaults. */
    public static ForwardOptions defaults() {
        return DEFAULTS;
    }

    /** Returns a builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.bindAddress = bindAddress;
        b.bindPort = bindPort;
        b.unixSocket = unixSocket;
        b.maxConnections = maxConnections;
        b.acceptOnce = acceptOnce;
        b.acceptFilter = acceptFilter;
        b.onClose = onClose;
        b.drainTimeout = drainTimeout;
        b.handshakeTimeout = handshakeTimeout;
        b.socksUser = socksUser;
        b.socksPassword = socksPassword == null ? null : socksPassword.clone();
        return b;
    }

    /** Returns the TCP bind address. */
    public String bindAddress() {
        return bindAddress;
    }

    /** Returns the TCP bind port; 0 means ephemeral. */
    public int bindPort() {
        return bindPort;
    }

    /** Returns the Unix socket path to listen on instead of TCP, or {@code null}. */
    public @Nullable Path unixSocket() {
        return unixSocket;
    }

    /** Returns how many relayed connections may be open at once; more are refused. */
    public int maxConnections() {
        return maxConnections;
    }

    /** Returns whether the listener stops after its first connection. */
    public boolean acceptOnce() {
        return acceptOnce;
    }

    /** Returns the filter an accepted client must pass (for TCP listeners). */
    public Predicate<InetSocketAddress> acceptFilter() {
        return acceptFilter;
    }

    /** Returns what happens to active connections on close. */
    public OnClose onClose() {
        return onClose;
    }

    /** Returns how long {@link OnClose#DRAIN} waits. */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    /**
     * Returns how long a SOCKS client of a {@link DynamicForward} may take from its connection to its CONNECT
     * request (and authentication) before it is dropped.
     */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** Returns the user name a {@link DynamicForward} requires (RFC 1929), or {@code null} when it asks for none. */
    public @Nullable String socksUser() {
        return socksUser;
    }

    /** Returns a copy of the password a {@link DynamicForward} requires (RFC 1929), or {@code null}. */
    public char @Nullable [] socksPassword() {
        return socksPassword == null ? null : socksPassword.clone();
    }

    /** Builds {@link ForwardOptions}. */
    public static final class Builder {
        private String bindAddress = "127.0.0.1";
        private int bindPort;
        private Path unixSocket;
        private int maxConnections = 1024;
        private boolean acceptOnce;
        private Predicate<InetSocketAddress> acceptFilter = a -> true;
        private OnClose onClose = OnClose.CLOSE;
        private Duration drainTimeout = Duration.ofSeconds(30);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private String socksUser;
        private char[] socksPassword;

        private Builder() {
        }

        /** Sets the TCP bind address (default {@code 127.0.0.1}; a wider one exposes the tunnel to others). */
        public Builder bindAddress(String address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /** Sets the TCP port; 0 picks an ephemeral one. */
        public Builder bindPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            this.bindPort = port;
            return this;
        }

        /** Listens on a Unix domain socket at this path instead of TCP; the socket is created with mode 0600. */
        public Builder unixSocket(@Nullable Path path) {
            this.unixSocket = path;
            return this;
        }

        /** Sets how many relayed connections may be open at once. */
        public Builder maxConnections(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1: " + max);
            }
            this.maxConnections = max;
            return this;
        }

        /** Makes the listener close after its first accepted connection. */
        public Builder acceptOnce(boolean once) {
            this.acceptOnce = once;
            return this;
        }

        /** Sets a filter on the client's address; refused clients are recorded as {@code forward.denied}. */
        public Builder acceptFilter(Predicate<InetSocketAddress> filter) {
            this.acceptFilter = Objects.requireNonNull(filter, "filter");
            return this;
        }

        /** Sets what happens to active connections when the forward closes. */
        public Builder onClose(OnClose mode) {
            this.onClose = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Sets how long {@link OnClose#DRAIN} waits before closing the rest. */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets how long a SOCKS client of a {@link DynamicForward} may take to finish its handshake (greeting,
         * authentication, request); slower clients are dropped (default 10 s).
         */
        public Builder handshakeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("handshakeTimeout must be positive: " + timeout);
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * Makes a {@link DynamicForward} require SOCKS5 user/password authentication (RFC 1929) with these
         * credentials; SOCKS4 clients, which cannot send a password, are then refused. The password is copied.
         * Both are at most 255 bytes in UTF-8, the field size of RFC 1929.
         */
        public Builder socksCredentials(String user, char[] password) {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.isEmpty() || user.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255
                    || new String(password).getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("SOCKS user and password must be 1..255 bytes (RFC 1929)");
            }
            this.socksUser = user;
            this.socksPassword = password.clone();
            return this;
        }

        /** Returns the options. */
        public ForwardOptions build() {
            return new ForwardOptions(this);
        }
    }
}
