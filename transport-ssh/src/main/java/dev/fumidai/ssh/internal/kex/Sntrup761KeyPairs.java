// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimeKeyGenerationParameters;
import org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimeKeyPairGenerator;
import org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimeParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates sntrup761 key pairs for {@code sntrup761x25519-sha512} ahead of the key exchanges that need them, off
 * the event loop. Bouncy Castle's sntrup761 key generation takes 100 to 250 ms of CPU here (its polynomial
 * inversions; OpenSSH's C takes well under a millisecond), which was most of a hop's fixed setup cost at low
 * latency and ran on the event loop.
 *
 * <p>A transport asks for a pair when it starts ({@link #prefetch}), so generation overlaps the TCP connect, the
 * version exchange and the server's KEXINIT; and a pair taken for an exchange is replaced at once, so the next
 * connection of this JVM finds one ready. Each pair is used for one key exchange only (taken out of the queue)
 * and a pair older than {@link #MAX_AGE_NANOS} is dropped unused, so an ephemeral key never waits long in memory.
 * At most {@link #SPARES} pairs wait, ready or being generated; connections that start together beyond that
 * generate their own on their event loop, as before. A peer whose last exchange chose
 * another method (OpenSSH 9.9 and later choose mlkem768x25519-sha256) gets no prefetch, so no CPU is spent on keys
 * nobody takes.
 *
 * <h2>Threading</h2>
 * Thread-safe. One daemon thread generates; {@link #take} may wait for a pair that is being generated, which is
 * never longer than generating one afresh on the caller's thread.
 */
public final class Sntrup761KeyPairs {

    private static final Logger LOG = LoggerFactory.getLogger(Sntrup761KeyPairs.class);

    /**
     * Pairs kept ready or being generated: two, so that a two-hop route, whose hops connect one after the other and
     * take one pair each, finds both ready (with one, the second hop waited for the first hop's replacement).
     */
    static final int SPARES = 2;
    /** How long a generated pair may wait for an exchange before it is dropped. */
    static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Bound on the peers whose last choice is remembered. */
    static final int MAX_PEERS = 256;

    private record Pending(long createdNanos, CompletableFuture<AsymmetricCipherKeyPair> pair) {
    }

    private static final Deque<Pending> PENDING = new ArrayDeque<>();
    private static final Map<String, Boolean> LAST_CHOSE_SNTRUP = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_PEERS;
        }
    };
    private static final ExecutorService GENERATOR = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fumidai-ssh-sntrup761-keygen");
        t.setDaemon(true);
        return t;
    });
    private static final SecureRandom RANDOM = new SecureRandom();

    private Sntrup761KeyPairs() {
    }

    /** Returns whether the method is one of the sntrup761 hybrids. */
    static boolean isSntrup(String kex) {
        return kex.equals(KexAlgorithms.SNTRUP761_X25519_SHA512)
                || kex.equals(KexAlgorithms.SNTRUP761_X25519_SHA512_OPENSSH);
    }

    /**
     * Starts generating a pair for a key exchange about to start with {@code peer}, if we offer sntrup761, the
     * peer did not choose another method last time, and fewer than {@link #SPARES} pairs are waiting already.
     */
    public static void prefetch(String peer, List<String> ourKex) {
        if (ourKex.stream().noneMatch(Sntrup761KeyPairs::isSntrup)) {
            return;
        }
        synchronized (LAST_CHOSE_SNTRUP) {
            if (Boolean.FALSE.equals(LAST_CHOSE_SNTRUP.get(peer))) {
                return;
            }
        }
        fill();
    }

    /** Records the method the exchange with {@code peer} negotiated, for the next {@link #prefetch}. */
    public static void negotiated(String peer, String kex) {
        synchronized (LAST_CHOSE_SNTRUP) {
            LAST_CHOSE_SNTRUP.put(peer, isSntrup(kex));
        }
    }

    /** Makes sure {@link #SPARES} fresh pairs are ready or being generated. */
    private static void fill() {
        synchronized (PENDING) {
            dropExpired();
            while (PENDING.size() < SPARES) {
                PENDING.add(new Pending(System.nanoTime(),
                        CompletableFuture.supplyAsync(Sntrup761KeyPairs::generate, GENERATOR)));
            }
        }
    }

    private static void dropExpired() {
        long now = System.nanoTime();
        while (!PENDING.isEmpty() && now - PENDING.peekFirst().createdNanos() > MAX_AGE_NANOS) {
            PENDING.pollFirst();
        }
    }

    /**
     * Takes a pair for one key exchange: a prefetched one (waiting for it if it is being generated), else one
     * generated here; either way a pair is started for the next exchange.
     */
    static AsymmetricCipherKeyPair take(SecureRandom random) {
        Pending p;
        synchronized (PENDING) {
            dropExpired();
            p = PENDING.pollFirst();
        }
        AsymmetricCipherKeyPair pair = null;
        if (p != null) {
            try {
                pair = p.pair().join();
            } catch (RuntimeException e) { // generation failed: generate here instead
                LOG.debug("sntrup761 key generation ahead of time failed: {}", e.toString());
            }
        }
        fill();
        return pair != null ? pair : generate(random);
    }

    /** Returns how many pairs are ready or being generated (for tests). */
    static int pending() {
        synchronized (PENDING) {
            dropExpired();
            return PENDING.size();
        }
    }

    /** Forgets every pair and peer (for tests). */
    static void clear() {
        synchronized (PENDING) {
            PENDING.clear();
        }
        synchronized (LAST_CHOSE_SNTRUP) {
            LAST_CHOSE_SNTRUP.clear();
        }
    }

    private static AsymmetricCipherKeyPair generate() {
        return generate(RANDOM);
    }

    private static AsymmetricCipherKeyPair generate(SecureRandom random) {
        SNTRUPrimeKeyPairGenerator g = new SNTRUPrimeKeyPairGenerator();
        g.init(new SNTRUPrimeKeyGenerationParameters(random, SNTRUPrimeParameters.sntrup761));
        return g.generateKeyPair();
    }
}
