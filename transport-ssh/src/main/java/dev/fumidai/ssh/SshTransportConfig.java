// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.JumpHost;
import dev.fumidai.ssh.internal.cipher.CipherAlgorithms;
import dev.fumidai.ssh.internal.connection.SshConnectionConfig;
import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import dev.fumidai.ssh.internal.keys.KeyAlgorithms;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Configures the SSH transport of one hop: algorithm preferences, algorithm policy, rekey limits and the largest
 * receive window per channel. Immutable; derive variants with {@link #toBuilder()}.
 *
 * <p>Algorithm names are the exact wire strings (RFC 4250 §4.11 and the OpenSSH names). The defaults are the
 * "default" column of the ssh-client spec. The insecure legacy algorithms ({@link SshAlgorithms.InsecureLegacy})
 * are accepted only after {@link Builder#allowInsecureLegacyAlgorithms()}; the SHA-1 ones also need
 * {@code forbidSha1(false)}, because the per-hop SHA-1 policy wins over the legacy opt-in.
 */
public final class SshTransportConfig {

    /**
     * Sets no byte limit of our own, so the negotiated cipher decides, per direction, as OpenSSH does (its
     * default {@code RekeyLimit}): after 2^32 blocks of a 128-bit block cipher (AES), which is RFC 4344 §3.2's
     * 2^(L/4) blocks, i.e. 64 GiB; after 1 GiB for every other cipher (chacha20-poly1305, whose 64-bit block
     * counter OpenSSH treats like an 8-byte block: 2^30 / 8 blocks). A configured limit lower than that wins.
     * RFC 4253 §9's "after each gigabyte" was written for 64-bit block ciphers; rekeying a long AES transfer every
     * GiB costs a full key exchange on the event loop for no security gain.
     */
    public static final long DEFAULT_REKEY_BYTES = Long.MAX_VALUE;
    /** RFC 4253 §9 suggests rekeying after an hour. */
    public static final Duration DEFAULT_REKEY_INTERVAL = Duration.ofHours(1);
    /** RFC 4344 §3.1 asks for a rekey before 2^32 packets; OpenSSH rekeys at 2^31. */
    public static final long DEFAULT_REKEY_PACKETS = 1L << 31;
    /**
     * Bounds the time from the connection to SERVICE_ACCEPT, so a server that stalls the handshake cannot hold
     * a hop forever ({@code docs/security.md}); OpenSSH's server allows 120 s for its whole login (LoginGraceTime).
     */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(60);
    /** Caps application bytes held back during a key exchange. */
    public static final int DEFAULT_MAX_PENDING_WRITE_BYTES = 16 * 1024 * 1024;
    /**
     * Is the receive window every channel starts with: 2 MiB, OpenSSH's. It is also the smallest
     * {@link Builder#maxReceiveWindow maximum}, the one that turns growth off.
     */
    public static final int INITIAL_RECEIVE_WINDOW = SshConnectionConfig.DEFAULT_WINDOW;
    /**
     * Is the default largest receive window per channel: 16 MiB, eight times OpenSSH's fixed 2 MiB, so one stream
     * may reach about 160 MB/s over a 100 ms round trip instead of 20 (issue 14). A window grows only while its
     * reader keeps up and growing makes the stream faster, so a stream that our own reading limits (a download over
     * loopback, say) stays at 2 to 4 MiB.
     */
    public static final int DEFAULT_MAX_RECEIVE_WINDOW = SshConnectionConfig.DEFAULT_MAX_WINDOW;
    /** Is the largest maximum receive window accepted: 1 GiB (a 10 Gbit/s path at 400 ms needs about half). */
    public static final int LIMIT_MAX_RECEIVE_WINDOW = SshConnectionConfig.LIMIT_MAX_WINDOW;

    /** Lists the default host-key algorithms: certificates first, then plain keys ({@code docs/transport-ssh.md}). */
    public static final List<String> DEFAULT_HOST_KEY_ALGORITHMS = List.of(
            KeyAlgorithms.SSH_ED25519_CERT, KeyAlgorithms.ECDSA_NISTP256_CERT, KeyAlgorithms.ECDSA_NISTP384_CERT,
            KeyAlgorithms.ECDSA_NISTP521_CERT, KeyAlgorithms.RSA_SHA2_512_CERT, KeyAlgorithms.RSA_SHA2_256_CERT,
            KeyAlgorithms.SSH_ED25519, KeyAlgorithms.ECDSA_NISTP256, KeyAlgorithms.ECDSA_NISTP384,
            KeyAlgorithms.ECDSA_NISTP521, KeyAlgorithms.RSA_SHA2_512, KeyAlgorithms.RSA_SHA2_256);

    private static final SshTransportConfig DEFAULTS = new Builder().build();

    private final List<String> kexAlgorithms;
    private final List<String> hostKeyAlgorithms;
    private final List<String> ciphers;
    private final List<String> macs;
    private final boolean requireStrictKex;
    private final boolean requirePostQuantumKex;
    private final boolean forbidSha1;
    private final boolean insecureLegacyAllowed;
    private final long rekeyBytes;
    private final Duration rekeyInterval;
    private final long rekeyPackets;
    private final int maxPendingWriteBytes;
    private final int maxReceiveWindow;
    private final Duration handshakeTimeout;
    private final String softwareVersion;

    private SshTransportConfig(Builder b) {
        this.insecureLegacyAllowed = b.insecureLegacyAllowed;
        this.kexAlgorithms = checked(b.kexAlgorithms, KexAlgorithms.DEFAULT, KexAlgorithms.LEGACY, "key exchange");
        this.hostKeyAlgorithms = checked(b.hostKeyAlgorithms, DEFAULT_HOST_KEY_ALGORITHMS,
                SshAlgorithms.InsecureLegacy.HOST_KEY, "host key");
        this.ciphers = checked(b.ciphers, CipherAlgorithms.DEFAULT_CIPHERS, CipherAlgorithms.LEGACY_CIPHERS, "cipher");
        this.macs = checked(b.macs, CipherAlgorithms.SUPPORTED_MACS, CipherAlgorithms.LEGACY_MACS, "MAC");
        // CBC with MAC-then-encrypt is the plaintext-recovery class of CVE-2008-5161. The MAC is negotiated apart
        // from the cipher and by the client's order on both sides (RFC 4253 §7.1), so the only way to never pair
        // them is to never offer a MAC-then-encrypt MAC next to a CBC cipher.
        String cbc = ciphers.stream().filter(CipherAlgorithms::isCbc).findFirst().orElse(null);
        List<String> macThenEncrypt = macs.stream().filter(m -> !CipherAlgorithms.isEtm(m)).toList();
        if (cbc != null && !macThenEncrypt.isEmpty()) {
            throw new IllegalArgumentException("legacy CBC cipher " + cbc + " is allowed only with encrypt-then-MAC"
                    + " MACs (*-etm@openssh.com; CVE-2008-5161), but the MACs also list " + macThenEncrypt);
        }
        this.requireStrictKex = b.requireStrictKex;
        this.requirePostQuantumKex = b.requirePostQuantumKex;
        this.forbidSha1 = b.forbidSha1;
        if (b.rekeyBytes < 16 || b.rekeyPackets < 1 || b.rekeyInterval.isNegative() || b.rekeyInterval.isZero()) {
            throw new IllegalArgumentException("rekey limits must be positive (bytes at least 16)");
        }
        this.rekeyBytes = b.rekeyBytes;
        this.rekeyInterval = b.rekeyInterval;
        this.rekeyPackets = b.rekeyPackets;
        if (b.maxPendingWriteBytes < 1) {
            throw new IllegalArgumentException("maxPendingWriteBytes must be positive");
        }
        this.maxPendingWriteBytes = b.maxPendingWriteBytes;
        if (b.maxReceiveWindow < INITIAL_RECEIVE_WINDOW || b.maxReceiveWindow > LIMIT_MAX_RECEIVE_WINDOW) {
            throw new IllegalArgumentException("maxReceiveWindow must be in " + INITIAL_RECEIVE_WINDOW + ".."
                    + LIMIT_MAX_RECEIVE_WINDOW + " bytes (the initial window, which turns growth off, to 1 GiB), not "
                    + b.maxReceiveWindow);
        }
        this.maxReceiveWindow = b.maxReceiveWindow;
        if (b.handshakeTimeout.isNegative() || b.handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive");
        }
        this.handshakeTimeout = b.handshakeTimeout;
        if (!b.softwareVersion.matches("[!-,.-~]{1,64}")) {
            throw new IllegalArgumentException("software version must be printable ASCII without '-' or spaces");
        }
        this.softwareVersion = b.softwareVersion;
    }

    private List<String> checked(List<String> names, List<String> supported, List<String> legacy, String what) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no " + what + " algorithm configured");
        }
        for (String n : names) {
            if (legacy.contains(n)) {
                if (!insecureLegacyAllowed) {
                    throw new IllegalArgumentException(what + " algorithm " + n + " is insecure legacy; it needs "
                            + "SshTransportConfig.Builder.allowInsecureLegacyAlgorithms()");
                }
            } else if (!supported.contains(n)) {
                throw new IllegalArgumentException("unsupported " + what + " algorithm " + n + "; supported "
                        + supported);
            }
        }
        return List.copyOf(names);
    }

    /** Returns the defaults. */
    public static SshTransportConfig defaults() {
        return DEFAULTS;
    }

    /** Returns a builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.kexAlgorithms = kexAlgorithms;
        b.hostKeyAlgorithms = hostKeyAlgorithms;
        b.ciphers = ciphers;
        b.macs = macs;
        b.requireStrictKex = requireStrictKex;
        b.requirePostQuantumKex = requirePostQuantumKex;
        b.forbidSha1 = forbidSha1;
        b.insecureLegacyAllowed = insecureLegacyAllowed;
        b.rekeyBytes = rekeyBytes;
        b.rekeyInterval = rekeyInterval;
        b.rekeyPackets = rekeyPackets;
        b.maxPendingWriteBytes = maxPendingWriteBytes;
        b.maxReceiveWindow = maxReceiveWindow;
        b.handshakeTimeout = handshakeTimeout;
        b.softwareVersion = softwareVersion;
        return b;
    }

    /**
     * Returns this configuration with the host-key algorithms the verifier already holds keys for moved to the
     * front, keeping the order of the rest, as OpenSSH orders {@code HostKeyAlgorithms} by known_hosts. Without it
     * a host known only by its RSA key that offers Ed25519 first would fail verification.
     *
     * <p>Only verifiers that never accept new keys are consulted: with trust-on-first-use the reordering would
     * tell an observer which connections are first contacts ({@code docs/security.md}, CVE-2020-14145). Names the
     * configuration does not allow are ignored.
     *
     * <p>May read files: call it off the Netty event loop, before installing the transport.
     */
    public SshTransportConfig preferringKnownHostKeyAlgorithms(HostKeyVerifier verifier, String hostName, int port) {
        if (!(verifier instanceof HostKeyAlgorithmPreference preference) || verifier instanceof TrustOnFirstUseVerifier) {
            return this;
        }
        List<String> known = preference.preferredHostKeyAlgorithms(hostName, port);
        java.util.LinkedHashSet<String> order = new java.util.LinkedHashSet<>();
        for (String name : known) {
            if (hostKeyAlgorithms.contains(name)) {
                order.add(name);
            }
        }
        if (order.isEmpty()) {
            return this;
        }
        order.addAll(hostKeyAlgorithms);
        return toBuilder().hostKeyAlgorithms(List.copyOf(order)).build();
    }

    /** Returns the key-exchange methods in preference order. */
    public List<String> kexAlgorithms() {
        return kexAlgorithms;
    }

    /** Returns the host-key algorithms in preference order. */
    public List<String> hostKeyAlgorithms() {
        return hostKeyAlgorithms;
    }

    /** Returns the ciphers in preference order. */
    public List<String> ciphers() {
        return ciphers;
    }

    /** Returns the MACs for non-AEAD ciphers in preference order. */
    public List<String> macs() {
        return macs;
    }

    /** Says whether a server without strict key exchange (Terrapin countermeasure) is refused. */
    public boolean isRequireStrictKex() {
        return requireStrictKex;
    }

    /** Says whether only a post-quantum hybrid key exchange is accepted. */
    public boolean isRequirePostQuantumKex() {
        return requirePostQuantumKex;
    }

    /** Says whether any negotiated algorithm using SHA-1 is refused. */
    public boolean isForbidSha1() {
        return forbidSha1;
    }

    /** Says whether the insecure legacy algorithms may appear in the lists (off by default). */
    public boolean isInsecureLegacyAllowed() {
        return insecureLegacyAllowed;
    }

    /** Returns the bytes (both directions) after which we rekey. */
    public long rekeyBytes() {
        return rekeyBytes;
    }

    /** Returns the time after which we rekey. */
    public Duration rekeyInterval() {
        return rekeyInterval;
    }

    /** Returns the packets (either direction) after which we rekey. */
    public long rekeyPackets() {
        return rekeyPackets;
    }

    /** Returns the cap on application bytes held back during a key exchange. */
    public int maxPendingWriteBytes() {
        return maxPendingWriteBytes;
    }

    /** Returns the largest receive window a channel grows to; {@link #INITIAL_RECEIVE_WINDOW} means no growth. */
    public int maxReceiveWindow() {
        return maxReceiveWindow;
    }

    /** Returns the time allowed from the connection to SERVICE_ACCEPT. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** Returns our version line, {@code SSH-2.0-fumidai_<version>} (RFC 4253 §4.2). */
    public String clientVersionLine() {
        return "SSH-2.0-fumidai_" + softwareVersion;
    }

    /** Builds an {@link SshTransportConfig}. */
    public static final class Builder {
        private List<String> kexAlgorithms = KexAlgorithms.DEFAULT;
        private List<String> hostKeyAlgorithms = DEFAULT_HOST_KEY_ALGORITHMS;
        private List<String> ciphers = CipherAlgorithms.DEFAULT_CIPHERS;
        private List<String> macs = CipherAlgorithms.DEFAULT_MACS;
        private boolean requireStrictKex;
        private boolean requirePostQuantumKex;
        private boolean forbidSha1 = true;
        private boolean insecureLegacyAllowed;
        private long rekeyBytes = DEFAULT_REKEY_BYTES;
        private Duration rekeyInterval = DEFAULT_REKEY_INTERVAL;
        private long rekeyPackets = DEFAULT_REKEY_PACKETS;
        private int maxPendingWriteBytes = DEFAULT_MAX_PENDING_WRITE_BYTES;
        private int maxReceiveWindow = DEFAULT_MAX_RECEIVE_WINDOW;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        // The library's build version (JumpHost.LIBRARY_VERSION), with the characters RFC 4253 §4.2 forbids in
        // softwareversion (the minus sign, whitespace) replaced: 0.1.0-SNAPSHOT gives fumidai_0.1.0_SNAPSHOT.
        private String softwareVersion = JumpHost.LIBRARY_VERSION.replaceAll("[^!-,.-~]", "_");

        private Builder() {
        }

        /** Sets the key-exchange methods in preference order. */
        public Builder kexAlgorithms(List<String> names) {
            this.kexAlgorithms = List.copyOf(names);
            return this;
        }

        /** Sets the host-key algorithms in preference order. */
        public Builder hostKeyAlgorithms(List<String> names) {
            this.hostKeyAlgorithms = List.copyOf(names);
            return this;
        }

        /** Sets the ciphers in preference order. */
        public Builder ciphers(List<String> names) {
            this.ciphers = List.copyOf(names);
            return this;
        }

        /** Sets the MACs in preference order. */
        public Builder macs(List<String> names) {
            this.macs = List.copyOf(names);
            return this;
        }

        /** Refuses servers without strict key exchange (OpenSSH {@code PROTOCOL} §1.10). */
        public Builder requireStrictKex(boolean value) {
            this.requireStrictKex = value;
            return this;
        }

        /** Accepts only post-quantum hybrid key exchange. */
        public Builder requirePostQuantumKex(boolean value) {
            this.requirePostQuantumKex = value;
            return this;
        }

        /**
         * Refuses any negotiated algorithm that uses SHA-1 (the default): the legacy SHA-1 key exchanges,
         * {@code ssh-rsa} and the {@code hmac-sha1} MACs fail the hop even when the legacy list is allowed.
         */
        public Builder forbidSha1(boolean value) {
            this.forbidSha1 = value;
            return this;
        }

        /**
         * Lets the algorithm lists name the insecure legacy algorithms of {@link SshAlgorithms.InsecureLegacy}.
         * Nothing is offered by this call alone; see {@link #appendInsecureLegacyAlgorithms()}. A connection that
         * negotiates a legacy algorithm logs a warning.
         */
        public Builder allowInsecureLegacyAlgorithms() {
            this.insecureLegacyAllowed = true;
            return this;
        }

        /**
         * Allows the insecure legacy algorithms and appends them after the current lists, so a server that offers
         * anything better still negotiates that: every legacy key exchange, host-key algorithm and cipher, and
         * of the MACs only {@code hmac-sha1-etm@openssh.com}, because a CBC cipher is allowed only with
         * encrypt-then-MAC MACs (CVE-2008-5161; {@link #build()} refuses a MAC list that also holds
         * MAC-then-encrypt ones). The SHA-1 ones stay refused until {@code forbidSha1(false)}.
         */
        public Builder appendInsecureLegacyAlgorithms() {
            allowInsecureLegacyAlgorithms();
            kexAlgorithms = appended(kexAlgorithms, SshAlgorithms.InsecureLegacy.KEX);
            hostKeyAlgorithms = appended(hostKeyAlgorithms, SshAlgorithms.InsecureLegacy.HOST_KEY);
            ciphers = appended(ciphers, SshAlgorithms.InsecureLegacy.CIPHERS);
            // Only the encrypt-then-MAC legacy MAC: the CBC ciphers just appended allow no other (CVE-2008-5161).
            // A hop that needs hmac-sha1 names it in macs(...), with no CBC cipher.
            macs = appended(macs, List.of(SshAlgorithms.InsecureLegacy.HMAC_SHA1_ETM));
            return this;
        }

        private static List<String> appended(List<String> names, List<String> more) {
            java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(names);
            all.addAll(more);
            return List.copyOf(all);
        }

        /** Sets the byte limit after which we rekey (sum of both directions). */
        public Builder rekeyBytes(long value) {
            this.rekeyBytes = value;
            return this;
        }

        /** Sets the time after which we rekey. */
        public Builder rekeyInterval(Duration value) {
            this.rekeyInterval = Objects.requireNonNull(value, "rekeyInterval");
            return this;
        }

        /** Sets the packet limit after which we rekey. */
        public Builder rekeyPackets(long value) {
            this.rekeyPackets = value;
            return this;
        }

        /** Sets the cap on application bytes held back during a key exchange. */
        public Builder maxPendingWriteBytes(int value) {
            this.maxPendingWriteBytes = value;
            return this;
        }

        /**
         * Sets the largest receive window per channel, in bytes (default 16 MiB,
         * {@link SshTransportConfig#DEFAULT_MAX_RECEIVE_WINDOW}). Every channel starts at 2 MiB
         * ({@link SshTransportConfig#INITIAL_RECEIVE_WINDOW}) and grows, like TCP's receive-buffer auto-tuning, while
         * its reader consumes more than half the window per round trip, keeps up, and each growth makes the stream at
         * least a quarter faster; a reader that lets data pile up never grows it, and a stream that our own reading
         * limits grows it once at most. A window far above what the path carries (its round trips show a queue)
         * shrinks back to 1.5 times the path's bandwidth-delay product, never below 2 MiB. Memory per channel is
         * bounded by this value (data received and not yet read never exceeds the window), so N channels whose
         * readers were fast and then stall hold at most N times it.
         * {@link SshTransportConfig#INITIAL_RECEIVE_WINDOW} turns growth off (a fixed 2 MiB window, as OpenSSH's);
         * at most 1 GiB. Checked by {@link #build()}.
         */
        public Builder maxReceiveWindow(int bytes) {
            this.maxReceiveWindow = bytes;
            return this;
        }

        /** Sets the time allowed from the connection to SERVICE_ACCEPT. */
        public Builder handshakeTimeout(Duration value) {
            this.handshakeTimeout = Objects.requireNonNull(value, "handshakeTimeout");
            return this;
        }

        /** Sets the software version in our version line. */
        public Builder softwareVersion(String value) {
            this.softwareVersion = Objects.requireNonNull(value, "softwareVersion");
            return this;
        }

        /** Builds the configuration; unknown algorithm names are refused here. */
        public SshTransportConfig build() {
            return new SshTransportConfig(this);
        }
    }
}
