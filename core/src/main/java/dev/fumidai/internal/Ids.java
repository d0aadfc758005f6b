// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal;

import java.security.SecureRandom;

/** Makes short random ids for sessions, emitters and connections (event ids: {@code EventHeader.newEventId}). */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** Returns a prefix and 8 random hex digits, e.g. {@code s-1f3a9c0b}. */
    public static String shortId(String prefix) {
        return prefix + String.format("%08x", RANDOM.nextInt());
    }
}
