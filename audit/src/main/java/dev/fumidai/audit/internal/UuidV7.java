package dev.fumidai.audit.internal;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/** Generates UUIDv7 values (RFC 9562 §5.7): 48-bit Unix milliseconds, version 7, 74 random bits. */
public final class UuidV7 {

    private static final SecureRandom RANDOM = new SecureRandom();

    private UuidV7() {
    }

    /** Returns a new UUIDv7 string for the given time. */
    public static String next(Instant time) {
        long millis = time.toEpochMilli();
        long randA = RANDOM.nextInt(1 << 12);
        long msb = (millis << 16) | 0x7000L | randA;
        long lsb = (RANDOM.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
