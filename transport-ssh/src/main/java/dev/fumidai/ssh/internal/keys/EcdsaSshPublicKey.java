// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.util.Arrays;

/**
 * Is an {@code ecdsa-sha2-nistp256/384/521} public key (RFC 5656 §3.1: {@code string type, string curve,
 * string Q}) that verifies ECDSA signatures encoded as {@code mpint r, mpint s} (RFC 5656 §3.1.2).
 *
 * <p>The point is checked to lie on the curve before use; the JDK would otherwise accept an invalid point
 * in a key spec.
 */
public final class EcdsaSshPublicKey extends PlainSshPublicKey {

    /** Describes one of the three curves of RFC 5656 §10.1 and the hash RFC 5656 §6.2.1 pairs with it. */
    public enum Curve {
        NISTP256(KeyAlgorithms.ECDSA_NISTP256, "nistp256", "secp256r1", "SHA256withECDSAinP1363Format", 32),
        NISTP384(KeyAlgorithms.ECDSA_NISTP384, "nistp384", "secp384r1", "SHA384withECDSAinP1363Format", 48),
        NISTP521(KeyAlgorithms.ECDSA_NISTP521, "nistp521", "secp521r1", "SHA512withECDSAinP1363Format", 66);

        private final String keyType;
        private final String identifier;
        private final String jdkName;
        private final String p1363Algorithm;
        private final int fieldSize;
        private volatile ECParameterSpec spec;

        Curve(String keyType, String identifier, String jdkName, String p1363Algorithm, int fieldSize) {
            this.keyType = keyType;
            this.identifier = identifier;
            this.jdkName = jdkName;
            this.p1363Algorithm = p1363Algorithm;
            this.fieldSize = fieldSize;
        }

        /** Returns the SSH key type, e.g. {@code ecdsa-sha2-nistp256}. */
        public String keyType() {
            return keyType;
        }

        /** Returns the curve identifier written inside the key, e.g. {@code nistp256}. */
        public String identifier() {
            return identifier;
        }

        /** Returns the JDK's standard curve name. */
        public String jdkName() {
            return jdkName;
        }

        /** Returns the JDK signature algorithm with the raw {@code r || s} encoding. */
        public String p1363Algorithm() {
            return p1363Algorithm;
        }

        /** Returns the size in bytes of a field element and of each of r and s. */
        public int fieldSize() {
            return fieldSize;
        }

        /** Returns the JDK curve parameters. */
        public ECParameterSpec parameters() {
            ECParameterSpec s = spec;
            if (s == null) {
                try {
                    AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
                    p.init(new ECGenParameterSpec(jdkName));
                    s = p.getParameterSpec(ECParameterSpec.class);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("the JDK lacks curve " + jdkName, e);
                }
                spec = s;
            }
            return s;
        }

        /** Returns the curve for an SSH key type, or {@code null}. */
        public static Curve forKeyType(String keyType) {
            for (Curve c : values()) {
                if (c.keyType.equals(keyType)) {
                    return c;
                }
            }
            return null;
        }

        /** Returns the curve whose order has the given bit length, or {@code null}. */
        public static Curve forOrderBits(int bits) {
            for (Curve c : values()) {
                if (c.parameters().getOrder().bitLength() == bits) {
                    return c;
                }
            }
            return null;
        }
    }

    private final Curve curve;
    private final ECPublicKey javaKey;

    private EcdsaSshPublicKey(Curve curve, byte[] encoded, ECPublicKey javaKey) {
        super(curve.keyType(), encoded);
        this.curve = curve;
        this.javaKey = javaKey;
    }

    static EcdsaSshPublicKey read(Curve curve, SshWireReader reader) throws InvalidSshKeyException {
        String identifier = reader.readAscii();
        if (!identifier.equals(curve.identifier())) {
            throw new InvalidSshKeyException(curve.keyType() + " key names curve " + identifier);
        }
        return fromPoint(curve, reader.readString());
    }

    /** Creates the key from the SEC1 uncompressed point {@code 04 || X || Y}. */
    public static EcdsaSshPublicKey fromPoint(Curve curve, byte[] q) throws InvalidSshKeyException {
        int fs = curve.fieldSize();
        if (q.length != 1 + 2 * fs || q[0] != 0x04) {
            throw new InvalidSshKeyException(curve.keyType() + " point is not an uncompressed point of "
                    + (1 + 2 * fs) + " bytes");
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(q, 1, 1 + fs));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(q, 1 + fs, q.length));
        ECParameterSpec params = curve.parameters();
        if (!isOnCurve(params.getCurve(), x, y)) {
            throw new InvalidSshKeyException(curve.keyType() + " point is not on the curve");
        }
        ECPublicKey javaKey;
        try {
            javaKey = (ECPublicKey) KeyFactory.getInstance("EC")
                    .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), params));
        } catch (GeneralSecurityException e) {
            throw new InvalidSshKeyException("invalid " + curve.keyType() + " key", e);
        }
        byte[] encoded = new SshWireWriter().string(curve.keyType()).string(curve.identifier()).string(q)
                .toByteArray();
        return new EcdsaSshPublicKey(curve, encoded, javaKey);
    }

    /** Creates the key from a JDK EC public key on one of the three curves. */
    public static EcdsaSshPublicKey fromJavaKey(ECPublicKey key) throws InvalidSshKeyException {
        Curve curve = Curve.forOrderBits(key.getParams().getOrder().bitLength());
        if (curve == null) {
            throw new InvalidSshKeyException("EC key on an unsupported curve");
        }
        return fromPoint(curve, encodePoint(curve, key.getW()));
    }

    static byte[] encodePoint(Curve curve, ECPoint w) {
        int fs = curve.fieldSize();
        byte[] q = new byte[1 + 2 * fs];
        q[0] = 0x04;
        copyFixed(w.getAffineX(), q, 1, fs);
        copyFixed(w.getAffineY(), q, 1 + fs, fs);
        return q;
    }

    static void copyFixed(BigInteger value, byte[] target, int offset, int length) {
        byte[] raw = value.toByteArray();
        int start = raw.length > length ? raw.length - length : 0;
        int copy = raw.length - start;
        System.arraycopy(raw, start, target, offset + length - copy, copy);
    }

    private static boolean isOnCurve(EllipticCurve ec, BigInteger x, BigInteger y) {
        BigInteger p = ((ECFieldFp) ec.getField()).getP();
        if (x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right = x.pow(3).add(ec.getA().multiply(x)).add(ec.getB()).mod(p);
        return left.equals(right);
    }

    /** Returns the curve. */
    public Curve curve() {
        return curve;
    }

    @Override
    public PublicKey javaKey() {
        return javaKey;
    }

    @Override
    public boolean supportsSignatureAlgorithm(String signatureAlgorithm) {
        return curve.keyType().equals(signatureAlgorithm);
    }

    @Override
    boolean verifyRaw(String signatureAlgorithm, byte[] data, byte[] signature) throws GeneralSecurityException {
        SshWireReader reader = new SshWireReader(signature);
        BigInteger r = reader.readPositiveMpint();
        BigInteger s = reader.readPositiveMpint();
        reader.requireEnd("ECDSA signature");
        BigInteger n = curve.parameters().getOrder();
        if (r.signum() <= 0 || s.signum() <= 0 || r.compareTo(n) >= 0 || s.compareTo(n) >= 0) {
            return false;
        }
        int fs = curve.fieldSize();
        byte[] p1363 = new byte[2 * fs];
        copyFixed(r, p1363, 0, fs);
        copyFixed(s, p1363, fs, fs);
        Signature verifier = Signature.getInstance(curve.p1363Algorithm());
        verifier.initVerify(javaKey);
        verifier.update(data);
        return verifier.verify(p1363);
    }
}
