// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers, per peer, the key exchange and host-key algorithms a server put first in its last KEXINIT when they
 * were also what the exchange negotiated, so that the next connection to that peer can guess them
 * ({@code first_kex_packet_follows}, RFC 4253 §7.1) and send its first key-exchange packet with its KEXINIT,
 * before the server's version line and KEXINIT arrive: a round trip saved.
 *
 * <p>A guess is right when the first key-exchange algorithm and the first host-key algorithm of both proposals are
 * the same (RFC 4253 §7.1; OpenSSH checks exactly that); the client then puts the remembered names first in its own
 * lists. They were what the exchange with that server negotiated anyway, so an unchanged server negotiates the
 * same algorithms as without the guess. A server whose configuration changed since may make the guess wrong:
 * it ignores the guessed packet and the client sends the right one (one round trip, as without a guess); the
 * negotiation then follows the reordered list for that one connection, which holds only algorithms the hop allows,
 * and the memory is updated from the new KEXINIT.
 *
 * <h2>Threading</h2>
 * Thread-safe.
 */
public final class KexGuesses {

    /** A remembered pair of first choices. */
    public record Guess(String kex, String hostKey) {
    }

    /** Bound on the peers remembered. */
    static final int MAX_PEERS = 256;

    private static final Map<String, Guess> LAST = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Guess> eldest) {
            return size() > MAX_PEERS;
        }
    };

    private KexGuesses() {
    }

    /** Returns the guess for a peer, or {@code null}. */
    public static Guess lookup(String peer) {
        synchronized (LAST) {
            return LAST.get(peer);
        }
    }

    /**
     * Records what a server proposed first and what was negotiated: remembered when they are the same and the
     * method sends the first packet from the client in one message (the ECDH family), forgotten otherwise.
     */
    public static void record(String peer, List<String> theirKex, List<String> theirHostKeys, String negotiatedKex,
            String negotiatedHostKey) {
        boolean guessable = !theirKex.isEmpty() && !theirHostKeys.isEmpty() && theirKex.get(0).equals(negotiatedKex)
                && theirHostKeys.get(0).equals(negotiatedHostKey) && KeyExchanges.canGuess(negotiatedKex);
        synchronized (LAST) {
            if (guessable) {
                LAST.put(peer, new Guess(negotiatedKex, negotiatedHostKey));
            } else {
                LAST.remove(peer);
            }
        }
    }

    /** Forgets every peer (tests that script the server's packets start from here). */
    public static void forgetAll() {
        synchronized (LAST) {
            LAST.clear();
        }
    }
}
