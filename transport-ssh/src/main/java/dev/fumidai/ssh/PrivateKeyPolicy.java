// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds what loading a private key file may cost and says which key files are trusted at all: a key file is
 * input the library does not control (a copied, damaged or planted file), so its KDF work factor is capped,
 * its decryption has a deadline, and a file others can read is refused as OpenSSH refuses it.
 *
 * <h2>Limits</h2>
 * <ul>
 * <li>{@link #maxBcryptRounds()}: rounds of {@code bcrypt_pbkdf} in an encrypted {@code openssh-key-v1} file
 *     (OpenSSH {@code PROTOCOL.key}). Default {@value #DEFAULT_MAX_BCRYPT_ROUNDS}: {@code ssh-keygen} writes 16
 *     unless given {@code -a}; hardening guides use {@code -a 64} or {@code -a 100}, rarely more. Each round is
 *     one bcrypt hash of cost 6 (64 Blowfish key schedules), run twice for the 48 bytes of an AES-256 key and IV:
 *     measured here, 256 rounds take about 11 s on a 2-core machine at a load of 25 (100 rounds: 5 s), so the
 *     cap keeps the worst file to seconds, not the days that 2^32 rounds would take.</li>
 * <li>{@link #maxPbkdf2Iterations()}: PBKDF2 iterations of an encrypted PKCS#8 file (RFC 8018 §5.2). Default
 *     {@value #DEFAULT_MAX_PBKDF2_ITERATIONS}: OpenSSL writes 2048 unless given {@code -iter}; tools that follow
 *     OWASP's 2023 advice write 600,000 (HMAC-SHA-256) or 1,300,000 (HMAC-SHA-1), which pass.</li>
 * <li>{@link #decryptionDeadline()}: wall-clock bound on deriving the key and decrypting, counted after the
 *     passphrase is known (a person typing it is not timed). Default 30 s, a backstop for slow machines and
 *     for caps raised by the caller.</li>
 * </ul>
 * A key over a cap is refused before the passphrase is asked for and before any KDF work, with a message naming
 * the file, the value and the cap; a key past the deadline is refused with a message naming the deadline.
 *
 * <h2>File modes</h2>
 * With {@link #isStrictKeyFileModes()} (the default), a key file that is owned by the user running this JVM and
 * is readable, writable or executable by group or others ({@code mode & 077 != 0}) is refused, as OpenSSH
 * refuses it ("UNPROTECTED PRIVATE KEY FILE", {@code sshkey_perm_ok}); files owned by someone else (root-owned
 * mounted secrets, say) are not checked, as in OpenSSH. OpenSSH has no option to turn the check off and neither
 * does {@code ssh_config}; here {@link Builder#strictKeyFileModes(boolean)} can, for file systems without POSIX
 * modes that report them wrongly. File systems without POSIX attributes at all (Windows) are not checked. Keys
 * given in memory (byte arrays, key pairs) are never checked.
 *
 * <h2>Threading</h2>
 * Immutable and thread-safe.
 */
public final class PrivateKeyPolicy {

    /** The default cap on bcrypt rounds; see the class documentation for where it comes from. */
    public static final int DEFAULT_MAX_BCRYPT_ROUNDS = 256;
    /** The default cap on PBKDF2 iterations; see the class documentation for where it comes from. */
    public static final int DEFAULT_MAX_PBKDF2_ITERATIONS = 2_000_000;
    /** The default deadline for deriving the key and decrypting one key file. */
    public static final Duration DEFAULT_DECRYPTION_DEADLINE = Duration.ofSeconds(30);
    /** The highest cap on bcrypt rounds a caller may set (about 20 minutes of work on a slow machine). */
    public static final int LIMIT_BCRYPT_ROUNDS = 100_000;
    /** The highest cap on PBKDF2 iterations a caller may set. */
    public static final int LIMIT_PBKDF2_ITERATIONS = 10_000_000;

    private static final PrivateKeyPolicy DEFAULTS = new Builder().build();

    private final int maxBcryptRounds;
    private final int maxPbkdf2Iterations;
    private final Duration decryptionDeadline;
    private final boolean strictKeyFileModes;

    private PrivateKeyPolicy(Builder b) {
        this.maxBcryptRounds = b.maxBcryptRounds;
        this.maxPbkdf2Iterations = b.maxPbkdf2Iterations;
        this.decryptionDeadline = b.decryptionDeadline;
        this.strictKeyFileModes = b.strictKeyFileModes;
    }

    /** Returns the default policy: the caps and deadline above, strict file modes. */
    public static PrivateKeyPolicy defaults() {
        return DEFAULTS;
    }

    /** Returns a builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding this policy's settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxBcryptRounds = maxBcryptRounds;
        b.maxPbkdf2Iterations = maxPbkdf2Iterations;
        b.decryptionDeadline = decryptionDeadline;
        b.strictKeyFileModes = strictKeyFileModes;
        return b;
    }

    /** Returns the most bcrypt rounds an {@code openssh-key-v1} file may ask for. */
    public int maxBcryptRounds() {
        return maxBcryptRounds;
    }

    /** Returns the most PBKDF2 iterations an encrypted PKCS#8 file may ask for. */
    public int maxPbkdf2Iterations() {
        return maxPbkdf2Iterations;
    }

    /** Returns the bound on deriving the key and decrypting one key file. */
    public Duration decryptionDeadline() {
        return decryptionDeadline;
    }

    /** Returns whether key files open to group or others are refused, as OpenSSH refuses them. */
    public boolean isStrictKeyFileModes() {
        return strictKeyFileModes;
    }

    @Override
    public String toString() {
        return "PrivateKeyPolicy[maxBcryptRounds=" + maxBcryptRounds + ", maxPbkdf2Iterations=" + maxPbkdf2Iterations
                + ", decryptionDeadline=" + decryptionDeadline + ", strictKeyFileModes=" + strictKeyFileModes + "]";
    }

    /** Collects a policy's settings; {@link #build()} makes the immutable policy. */
    public static final class Builder {

        private int maxBcryptRounds = DEFAULT_MAX_BCRYPT_ROUNDS;
        private int maxPbkdf2Iterations = DEFAULT_MAX_PBKDF2_ITERATIONS;
        private Duration decryptionDeadline = DEFAULT_DECRYPTION_DEADLINE;
        private boolean strictKeyFileModes = true;

        private Builder() {
        }

        /**
         * Sets the most bcrypt rounds a key file may ask for.
         *
         * @throws IllegalArgumentException if not in 1..{@value PrivateKeyPolicy#LIMIT_BCRYPT_ROUNDS}
         */
        public Builder maxBcryptRounds(int value) {
            if (value < 1 || value > LIMIT_BCRYPT_ROUNDS) {
                throw new IllegalArgumentException("maxBcryptRounds must be in 1.." + LIMIT_BCRYPT_ROUNDS + ": " + value);
            }
            this.maxBcryptRounds = value;
            return this;
        }

        /**
         * Sets the most PBKDF2 iterations a key file may ask for.
         *
         * @throws IllegalArgumentException if not in 1..{@value PrivateKeyPolicy#LIMIT_PBKDF2_ITERATIONS}
         */
        public Builder maxPbkdf2Iterations(int value) {
            if (value < 1 || value > LIMIT_PBKDF2_ITERATIONS) {
                throw new IllegalArgumentException("maxPbkdf2Iterations must be in 1.." + LIMIT_PBKDF2_ITERATIONS
                        + ": " + value);
            }
            this.maxPbkdf2Iterations = value;
            return this;
        }

        /**
         * Sets the bound on deriving the key and decrypting one key file.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder decryptionDeadline(Duration value) {
            Objects.requireNonNull(value, "decryptionDeadline");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("decryptionDeadline must be positive: " + value);
            }
            this.decryptionDeadline = value;
            return this;
        }

        /** Sets whether key files open to group or others are refused (default true, as OpenSSH). */
        public Builder strictKeyFileModes(boolean value) {
            this.strictKeyFileModes = value;
            return this;
        }

        /** Builds the policy. */
        public PrivateKeyPolicy build() {
            return new PrivateKeyPolicy(this);
        }
    }
}
