// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.json;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Decides what a sink writes for the fields the audit schema (§1.3) classes {@code sensitive}: {@code actor.id},
 * {@code actor.name}, {@code actor.on_behalf_of}, {@code credential.aws.*}, {@code remote_login} (top level and
 * per hop) and {@code command}.
 *
 * <p>Three modes: {@link #keep()} writes them as they are; {@link #redact()} writes the constant
 * {@value #REDACTED} (the field stays present, so a required field such as {@code actor.id} is never blank);
 * {@link #hmacSha256(byte[])} writes {@code hmac-sha256:<hex>} of the UTF-8 value under a per-sink key, so that
 * an auditor holding the key can still correlate and confirm a value without the log revealing it.
 * {@code secret} values never reach an event, so there is nothing to decide for them.
 *
 * <h2>Threading</h2>
 * Immutable and safe to share; every HMAC uses its own {@link Mac}.
 */
public final class Redaction {

    /** Is the value written in place of a sensitive field in {@link #redact()} mode. */
    public static final String REDACTED = "[redacted]";

    /** Is the prefix of a value written in {@link #hmacSha256(byte[])} mode. */
    public static final String HMAC_PREFIX = "hmac-sha256:";

    private static final Redaction KEEP = new Redaction(Mode.KEEP, null);
    private static final Redaction REDACT = new Redaction(Mode.REDACT, null);

    /** Lists the modes. */
    public enum Mode {
        KEEP, REDACT, HMAC_SHA256
    }

    private final Mode mode;
    private final byte[] key;

    private Redaction(Mode mode, byte[] key) {
        this.mode = mode;
        this.key = key;
    }

    /** Returns the mode that writes sensitive fields unchanged. */
    public static Redaction keep() {
        return KEEP;
    }

    /** Returns the mode that replaces sensitive fields with {@value #REDACTED}. */
    public static Redaction redact() {
        return REDACT;
    }

    /**
     * Returns the mode that replaces sensitive fields with their HMAC-SHA256 under {@code key}.
     *
     * @param key the HMAC key, at least 32 bytes (the SHA-256 output size, RFC 2104 §3); copied
     * @throws IllegalArgumentException if the key is shorter
     */
    public static Redaction hmacSha256(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < 32) {
            throw new IllegalArgumentException("HMAC key must be at least 32 bytes, got " + key.length);
        }
        return new Redaction(Mode.HMAC_SHA256, key.clone());
    }

    /** Returns the mode. */
    public Mode mode() {
        return mode;
    }

    /** Returns what to write for a sensitive value; {@code null} stays {@code null}. */
    public @Nullable String apply(@Nullable String value) {
        if (value == null) {
            return null;
        }
        switch (mode) {
            case KEEP:
                return value;
            case REDACT:
                return REDACTED;
            default:
                return HMAC_PREFIX + HexFormat.of().formatHex(hmac(value));
        }
    }

    private byte[] hmac(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HMAC key rejected", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is mandatory in every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "Redaction[" + mode + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Redaction r && r.mode == mode && Arrays.equals(r.key, key);
    }

    @Override
    public int hashCode() {
        return mode.hashCode() * 31 + Arrays.hashCode(key);
    }
}
