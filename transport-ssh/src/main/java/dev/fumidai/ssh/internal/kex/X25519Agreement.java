// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/** Does X25519 (RFC 7748) with the JDK's XDH, converting to and from the 32-byte little-endian wire form. */
final class X25519Agreement {

    static final int KEY_LENGTH = 32;

    private PrivateKey privateKey;

    /** Generates the ephemeral key pair and returns the 32-byte public value. */
    byte[] generate(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("X25519");
        kpg.initialize(NamedParameterSpec.X25519, random);
        KeyPair kp = kpg.generateKeyPair();
        privateKey = kp.getPrivate();
        return toLittleEndian(((XECPublicKey) kp.getPublic()).getU());
    }

    /** Returns the raw 32-byte shared secret; refuses a wrong length and the all-zero result (RFC 8731 §3). */
    byte[] agree(byte[] peerPublic) throws GeneralSecurityException {
        if (peerPublic.length != KEY_LENGTH) {
            throw new GeneralSecurityException("X25519 public value of " + peerPublic.length + " bytes");
        }
        byte[] be = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH; i++) {
            be[i] = peerPublic[KEY_LENGTH - 1 - i];
        }
        be[0] &= 0x7f; // RFC 7748 §5: mask the most significant bit of the u-coordinate
        PublicKey pub = KeyFactory.getInstance("X25519")
                .generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, be)));
        KeyAgreement ka = KeyAgreement.getInstance("X25519");
        ka.init(privateKey);
        ka.doPhase(pub, true);
        byte[] secret = ka.generateSecret();
        int or = 0;
        for (byte b : secret) {
            or |= b;
        }
        if (or == 0) {
            throw new GeneralSecurityException("X25519 shared secret is zero");
        }
        return secret;
    }

    void destroy() {
        privateKey = null;
    }

    private static byte[] toLittleEndian(BigInteger u) {
        byte[] be = u.toByteArray();
        byte[] le = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH && i < be.length; i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }
}
