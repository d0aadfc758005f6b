// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.EncapsulatedSecretExtractor;
import org.bouncycastle.crypto.generators.MLKEMKeyPairGenerator;
import org.bouncycastle.crypto.kems.MLKEMExtractor;
import org.bouncycastle.crypto.params.MLKEMKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;
import org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimeKEMExtractor;
import org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimeKeyGenerationParameters;
import org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimeKeyPairGenerator;
import org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimeParameters;
import org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimePrivateKeyParameters;
import org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimePublicKeyParameters;

/**
 * Implements the hybrid methods that pair a post-quantum KEM with X25519:
 * <ul>
 * <li>mlkem768x25519-sha256 (draft-kampanakis-curdle-ssh-pq-ke): Q_C = ML-KEM-768 public key (1184 bytes) ||
 *     X25519 public (32); Q_S = ciphertext (1088) || X25519 public; K = SHA-256(K_PQ || K_CL) as a string.</li>
 * <li>sntrup761x25519-sha512 (draft-josefsson-ntruprime-ssh, OpenSSH's {@code @openssh.com} name too):
 *     the same layout with sntrup761 (public key 1158, ciphertext 1039) and SHA-512.</li>
 * </ul>
 * The KEMs come from Bouncy Castle's lightweight API, used directly (no JCA provider is registered).
 */
final class HybridKemAgreement implements EcdhKeyExchange.Agreement {

    enum Kem {
        MLKEM768("SHA-256"),
        SNTRUP761("SHA-512");

        final String hash;

        Kem(String hash) {
            this.hash = hash;
        }
    }

    private final Kem kem;
    private final SecureRandom random;
    /** Whether an sntrup761 pair comes from {@link Sntrup761KeyPairs} (generated ahead, off the event loop). */
    private final boolean prefetched;
    private final X25519Agreement x25519 = new X25519Agreement();
    private EncapsulatedSecretExtractor extractor;
    private int publicKeyLength;

    HybridKemAgreement(Kem kem, SecureRandom random) {
        this(kem, random, false);
    }

    /**
     * Creates the agreement; with {@code prefetched}, an sntrup761 key pair is taken from {@link Sntrup761KeyPairs}
     * instead of being generated from {@code random} (recorded-exchange tests replay {@code random}, so they keep
     * it off).
     */
    HybridKemAgreement(Kem kem, SecureRandom random, boolean prefetched) {
        this.kem = kem;
        this.random = random;
        this.prefetched = prefetched;
    }

    @Override
    public byte[] clientPublic() throws GeneralSecurityException {
        byte[] pq;
        if (kem == Kem.MLKEM768) {
            MLKEMKeyPairGenerator g = new MLKEMKeyPairGenerator();
            g.init(new MLKEMKeyGenerationParameters(random, MLKEMParameters.ml_kem_768));
            AsymmetricCipherKeyPair kp = g.generateKeyPair();
            pq = ((MLKEMPublicKeyParameters) kp.getPublic()).getEncoded();
            extractor = new MLKEMExtractor((MLKEMPrivateKeyParameters) kp.getPrivate());
        } else {
            AsymmetricCipherKeyPair kp;
            if (prefetched) {
                kp = Sntrup761KeyPairs.take(random);
            } else {
                SNTRUPrimeKeyPairGenerator g = new SNTRUPrimeKeyPairGenerator();
                g.init(new SNTRUPrimeKeyGenerationParameters(random, SNTRUPrimeParameters.sntrup761));
                kp = g.generateKeyPair();
            }
            pq = ((SNTRUPrimePublicKeyParameters) kp.getPublic()).getEncoded();
            extractor = new SNTRUPrimeKEMExtractor((SNTRUPrimePrivateKeyParameters) kp.getPrivate());
        }
        publicKeyLength = pq.length;
        byte[] cl = x25519.generate(random);
        byte[] out = Arrays.copyOf(pq, pq.length + cl.length);
        System.arraycopy(cl, 0, out, pq.length, cl.length);
        return out;
    }

    /** Returns the length of the KEM public key part of Q_C (for tests). */
    int publicKeyLength() {
        return publicKeyLength;
    }

    @Override
    public byte[] encodedSecret(byte[] serverPublic) throws GeneralSecurityException {
        int ctLength = extractor.getEncapsulationLength();
        if (serverPublic.length != ctLength + X25519Agreement.KEY_LENGTH) {
            throw new GeneralSecurityException("hybrid reply of " + serverPublic.length + " bytes, expected "
                    + (ctLength + X25519Agreement.KEY_LENGTH));
        }
        byte[] pqSecret = extractor.extractSecret(Arrays.copyOf(serverPublic, ctLength));
        byte[] clSecret = x25519.agree(Arrays.copyOfRange(serverPublic, ctLength, serverPublic.length));
        MessageDigest md = MessageDigest.getInstance(kem.hash);
        md.update(pqSecret);
        md.update(clSecret);
        byte[] k = md.digest();
        Arrays.fill(pqSecret, (byte) 0);
        Arrays.fill(clSecret, (byte) 0);
        ByteBuf b = Unpooled.buffer(4 + k.length);
        try {
            SshWire.writeString(b, k);
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            Arrays.fill(k, (byte) 0);
            b.setZero(0, b.capacity());
            b.release();
        }
    }

    @Override
    public void destroy() {
        extractor = null;
        x25519.destroy();
    }
}
