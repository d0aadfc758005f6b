// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * Implements ecdh-sha2-nistp256/384/521 (RFC 5656 §4) with the JDK's EC: points in uncompressed SEC1 form
 * (RFC 5656 §3.1), K is the shared x-coordinate as an mpint. The JDK checks that the server's point is on the
 * curve (RFC 5656 §4 requires the check).
 */
final class NistEcdhAgreement implements EcdhKeyExchange.Agreement {

    private final String curve;
    private final SecureRandom random;
    private ECParameterSpec params;
    private PrivateKey privateKey;

    NistEcdhAgreement(String curve, SecureRandom random) {
        this.curve = curve;
        this.random = random;
    }

    private int fieldBytes() {
        return (params.getCurve().getField().getFieldSize() + 7) / 8;
    }

    @Override
    public byte[] clientPublic() throws GeneralSecurityException {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
        kpg.initialize(new ECGenParameterSpec(curve), random);
        return use(kpg.generateKeyPair());
    }

    /**
     * Takes {@code kp} as the ephemeral key pair and returns Q_C; {@link #clientPublic()} calls it with a fresh
     * pair, the known-answer test with a published one (the JDK's EC generator cannot be handed a scalar).
     */
    byte[] use(KeyPair kp) {
        privateKey = kp.getPrivate();
        ECPublicKey pub = (ECPublicKey) kp.getPublic();
        params = pub.getParams();
        int n = fieldBytes();
        byte[] out = new byte[1 + 2 * n];
        out[0] = 4;
        put(pub.getW().getAffineX(), out, 1, n);
        put(pub.getW().getAffineY(), out, 1 + n, n);
        return out;
    }

    @Override
    public byte[] encodedSecret(byte[] serverPublic) throws GeneralSecurityException {
        int n = fieldBytes();
        if (serverPublic.length != 1 + 2 * n || serverPublic[0] != 4) {
            throw new GeneralSecurityException("server ECDH point is not an uncompressed " + curve + " point");
        }
        BigInteger x = new BigInteger(1, java.util.Arrays.copyOfRange(serverPublic, 1, 1 + n));
        BigInteger y = new BigInteger(1, java.util.Arrays.copyOfRange(serverPublic, 1 + n, 1 + 2 * n));
        KeyFactory kf = KeyFactory.getInstance("EC");
        var pub = kf.generatePublic(new ECPublicKeySpec(new ECPoint(x, y), params));
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init(privateKey);
        ka.doPhase(pub, true);
        byte[] raw = ka.generateSecret();
        ByteBuf b = Unpooled.buffer(80);
        try {
            SshWire.writeUnsignedMpint(b, raw);
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
            b.setZero(0, b.capacity());
            b.release();
        }
    }

    @Override
    public void destroy() {
        privateKey = null;
    }

    private static void put(BigInteger v, byte[] out, int off, int n) {
        byte[] b = v.toByteArray();
        int copy = Math.min(b.length, n);
        System.arraycopy(b, b.length - copy, out, off + n - copy, copy);
    }

}
