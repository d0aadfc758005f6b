// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimePublicKeyParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Checks when sntrup761 key pairs are generated ahead of time, and that each is used once. */
class Sntrup761KeyPairsTest {

    /** A random that fails the test if anything draws from it: a prefetched pair must not need it. */
    static final class UnusableRandom extends SecureRandom {
        boolean used;

        @Override
        public void nextBytes(byte[] bytes) {
            used = true;
            super.nextBytes(bytes);
        }
    }

    @BeforeEach
    @AfterEach
    void clear() {
        Sntrup761KeyPairs.clear();
    }

    static byte[] publicKey(AsymmetricCipherKeyPair p) {
        return ((SNTRUPrimePublicKeyParameters) p.getPublic()).getEncoded();
    }

    @Test
    void aPrefetchedPairIsTakenAndReplacedAndNeverHandedOutTwice() {
        Sntrup761KeyPairs.prefetch("h:22", KexAlgorithms.DEFAULT);
        assertEquals(Sntrup761KeyPairs.SPARES, Sntrup761KeyPairs.pending());
        UnusableRandom random = new UnusableRandom();
        AsymmetricCipherKeyPair first = Sntrup761KeyPairs.take(random);
        assertNotNull(first);
        assertFalse(random.used, "the pair was generated ahead, not from the exchange's random");
        assertEquals(Sntrup761KeyPairs.SPARES, Sntrup761KeyPairs.pending(), "replaced for the next exchange");
        Sntrup761KeyPairs.prefetch("h:22", KexAlgorithms.DEFAULT);
        assertEquals(Sntrup761KeyPairs.SPARES, Sntrup761KeyPairs.pending(), "bounded");
        AsymmetricCipherKeyPair second = Sntrup761KeyPairs.take(random);
        assertFalse(random.used);
        assertFalse(Arrays.equals(publicKey(first), publicKey(second)), "each pair serves one exchange");
    }

    @Test
    void withNothingPrefetchedTheExchangeGeneratesItsOwn() {
        UnusableRandom random = new UnusableRandom();
        assertNotNull(Sntrup761KeyPairs.take(random));
        assertEquals(true, random.used, "generated on the spot from the exchange's random");
    }

    @Test
    void aPeerThatChoseAnotherMethodLastTimeGetsNoPrefetch() {
        Sntrup761KeyPairs.negotiated("new:22", KexAlgorithms.MLKEM768_X25519_SHA256);
        Sntrup761KeyPairs.prefetch("new:22", KexAlgorithms.DEFAULT);
        assertEquals(0, Sntrup761KeyPairs.pending());
        Sntrup761KeyPairs.negotiated("new:22", KexAlgorithms.SNTRUP761_X25519_SHA512_OPENSSH);
        Sntrup761KeyPairs.prefetch("new:22", KexAlgorithms.DEFAULT);
        assertEquals(Sntrup761KeyPairs.SPARES, Sntrup761KeyPairs.pending());
    }

    @Test
    void noPrefetchWhenWeDoNotOfferSntrup() {
        Sntrup761KeyPairs.prefetch("h:22", List.of(KexAlgorithms.CURVE25519_SHA256));
        assertEquals(0, Sntrup761KeyPairs.pending());
    }

    @Test
    void aPrefetchedPairAgreesWithTheServerSide() throws Exception {
        Sntrup761KeyPairs.prefetch("h:22", KexAlgorithms.DEFAULT);
        HybridKemAgreement client = new HybridKemAgreement(HybridKemAgreement.Kem.SNTRUP761, new UnusableRandom(),
                true);
        byte[] qc = client.clientPublic();
        byte[] pk = Arrays.copyOf(qc, client.publicKeyLength());
        org.bouncycastle.crypto.SecretWithEncapsulation enc = new org.bouncycastle.pqc.crypto.ntruprime
                .SNTRUPrimeKEMGenerator(new SecureRandom()).generateEncapsulated(
                        new SNTRUPrimePublicKeyParameters(SNTRUPrimeParameters(), pk));
        X25519Agreement server = new X25519Agreement();
        byte[] serverCl = server.generate(new SecureRandom());
        byte[] qs = Arrays.copyOf(enc.getEncapsulation(), enc.getEncapsulation().length + serverCl.length);
        System.arraycopy(serverCl, 0, qs, enc.getEncapsulation().length, serverCl.length);
        byte[] k = client.encodedSecret(qs);
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-512");
        md.update(enc.getSecret());
        md.update(server.agree(Arrays.copyOfRange(qc, pk.length, qc.length)));
        byte[] expected = md.digest();
        assertEquals(4 + expected.length, k.length);
        assertEquals(true, Arrays.equals(expected, Arrays.copyOfRange(k, 4, k.length)), "same shared secret");
    }

    static org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimeParameters SNTRUPrimeParameters() {
        return org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimeParameters.sntrup761;
    }
}
