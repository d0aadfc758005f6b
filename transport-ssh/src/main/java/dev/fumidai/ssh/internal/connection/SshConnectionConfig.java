// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import java.time.Duration;
import java.util.Objects;

/**
 * Holds the settings of one SSH connection layer. Immutable; derive variants with the {@code with*} methods.
 *
 * @param where the hop as {@code Hops.describe} writes it, used in every exception message
 * @param initialWindowSize our receive window per channel when it opens (RFC 4254 §5.2); default 2 MiB (spec: at
 *        least 2 MiB)
 * @param maxPacketSize the largest data payload we send and accept per message; default 32 KiB, the size
 *        RFC 4253 §6.1 obliges every implementation to handle
 * @param maxChannels the bound on channels open or opening at once (STYLE.md rule 9)
 * @param keepaliveInterval how often to probe with {@code keepalive@openssh.com}; {@link Duration#ZERO} is off
 * @param keepaliveCountMax how many unanswered probes end the connection (OpenSSH {@code ServerAliveCountMax})
 * @param maxWindowSize the largest receive window a channel grows to while its reader keeps up (issue #14,
 *        {@link SshChannel}); a value not above {@code initialWindowSize} turns growth off
 */
public record SshConnectionConfig(String where, int initialWindowSize, int maxPacketSize, int maxChannels,
        Duration keepaliveInterval, int keepaliveCountMax, int maxWindowSize) {

    /** The default receive window: 2 MiB, the spec's minimum, as OpenSSH's 2 MiB session window. */
    public static final int DEFAULT_WINDOW = 2 * 1024 * 1024;
    /** The default data size per message: 32 KiB (RFC 4253 §6.1). */
    public static final int DEFAULT_MAX_PACKET = 32 * 1024;
    /** The default bound on channels per connection. */
    public static final int DEFAULT_MAX_CHANNELS = 1024;
    /**
     * The default cap of a growing receive window: 16 MiB, eight times OpenSSH's fixed 2 MiB, so one stream may
     * reach about 160 MB/s at 100 ms round-trip time (issue #14 asks for five times OpenSSH there, about 10.5 MB in
     * flight). Only a channel whose reader consumes close to half of it per round trip grows that far.
     */
    public static final int DEFAULT_MAX_WINDOW = 16 * 1024 * 1024;
    /**
     * The largest cap accepted: 1 GiB, twice the bandwidth-delay product of 10 Gbit/s at 400 ms; well inside the
     * uint32 window of RFC 4254 §5.2, so the window a peer holds can never overflow 2^32.
     */
    public static final int LIMIT_MAX_WINDOW = 1 << 30;

    public SshConnectionConfig {
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(keepaliveInterval, "keepaliveInterval");
        if (initialWindowSize < 1) {
            throw new IllegalArgumentException("initialWindowSize must be positive");
        }
        if (maxPacketSize < 1 || maxPacketSize > 256 * 1024) {
            throw new IllegalArgumentException("maxPacketSize must be in 1..262144");
        }
        if (maxChannels < 1) {
            throw new IllegalArgumentException("maxChannels must be positive");
        }
        if (keepaliveInterval.isNegative() || keepaliveCountMax < 1) {
            throw new IllegalArgumentException("keepalive interval must not be negative and count must be positive");
        }
        if (initialWindowSize > LIMIT_MAX_WINDOW || maxWindowSize < 1 || maxWindowSize > LIMIT_MAX_WINDOW) {
            throw new IllegalArgumentException("window sizes must be in 1.." + LIMIT_MAX_WINDOW);
        }
    }

    /** Returns the cap a channel's receive window grows to: never below the initial window. */
    public long windowCap() {
        return Math.max(initialWindowSize, maxWindowSize);
    }

    /**
     * Returns the defaults for a hop: 2 MiB window growing up to 16 MiB, 32 KiB packets, 1024 channels, keepalive
     * off (3 probes).
     */
    public static SshConnectionConfig defaults(String where) {
        return new SshConnectionConfig(where, DEFAULT_WINDOW, DEFAULT_MAX_PACKET, DEFAULT_MAX_CHANNELS,
                Duration.ZERO, 3, DEFAULT_MAX_WINDOW);
    }

    /** Returns a copy for another hop description. */
    public SshConnectionConfig withWhere(String hop) {
        return new SshConnectionConfig(hop, initialWindowSize, maxPacketSize, maxChannels, keepaliveInterval,
                keepaliveCountMax, maxWindowSize);
    }

    /** Returns a copy with another receive window. */
    public SshConnectionConfig withInitialWindowSize(int bytes) {
        return new SshConnectionConfig(where, bytes, maxPacketSize, maxChannels, keepaliveInterval, keepaliveCountMax,
                maxWindowSize);
    }

    /** Returns a copy with another data size per message. */
    public SshConnectionConfig withMaxPacketSize(int bytes) {
        return new SshConnectionConfig(where, initialWindowSize, bytes, maxChannels, keepaliveInterval,
                keepaliveCountMax, maxWindowSize);
    }

    /** Returns a copy with another channel bound. */
    public SshConnectionConfig withMaxChannels(int count) {
        return new SshConnectionConfig(where, initialWindowSize, maxPacketSize, count, keepaliveInterval,
                keepaliveCountMax, maxWindowSize);
    }

    /** Returns a copy with keepalive probes every {@code interval}, {@code countMax} unanswered ones being fatal. */
    public SshConnectionConfig withKeepalive(Duration interval, int countMax) {
        return new SshConnectionConfig(where, initialWindowSize, maxPacketSize, maxChannels, interval, countMax,
                maxWindowSize);
    }

    /** Returns a copy whose channels' receive windows grow up to {@code bytes}; the initial size turns growth off. */
    public SshConnectionConfig withMaxWindowSize(int bytes) {
        return new SshConnectionConfig(where, initialWindowSize, maxPacketSize, maxChannels, keepaliveInterval,
                keepaliveCountMax, bytes);
    }
}
