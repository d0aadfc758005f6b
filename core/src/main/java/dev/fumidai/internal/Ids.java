package dev.fumidai.internal;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/** Makes identifiers: UUIDv7 event ids (RFC 9562 §5.7) and short random ids for sessions and emitters. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** Returns a UUIDv7 for a time: 48-bit Unix milliseconds, version 7, variant 2, 74 random bits. */
    public static UUID uuid7(Instant time) {
        long ms = time.toEpochMilli();
        long randA = RANDOM.nextInt(1 << 12);
        long msb = (ms << 16) | 0x7000L | randA;
        long lsb = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    /** Returns a prefix and 8 random hex digits, e.g. {@code s-1f3a9c0b}. */
    public static String shortId(String prefix) {
        return prefix + String.format("%08x", RANDOM.nextInt());
    }
}
