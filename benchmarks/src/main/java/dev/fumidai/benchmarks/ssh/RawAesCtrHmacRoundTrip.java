// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Does the least JDK work one AES-CTR + HMAC-SHA2 packet needs (RFC 4344, RFC 6668, OpenSSH {@code PROTOCOL}
 * §1.5): AES/CTR/NoPadding {@code update} over the encrypted bytes (the stream continues across packets) and
 * {@code Mac} over the sequence number and packet, on each side, the tag compared in constant time; out of
 * place, into arrays allocated once, with no framing.
 */
final class RawAesCtrHmacRoundTrip implements PacketRoundTrip {

    private final PacketShape shape;
    private final boolean etm;
    private final Cipher encrypt;
    private final Cipher decrypt;
    private final Mac sendMac;
    private final Mac receiveMac;
    private final byte[] plain;
    private final byte[] wire;
    private final byte[] opened;
    private final byte[] sequenceBytes = new byte[4];
    private final byte[] sentTag;
    private final byte[] computedTag;
    private int sequence;

    RawAesCtrHmacRoundTrip(PacketShape shape) throws GeneralSecurityException {
        this.shape = shape;
        this.etm = shape.mac.etm();
        SecretKeySpec key = new SecretKeySpec(shape.key, "AES");
        this.encrypt = Cipher.getInstance("AES/CTR/NoPadding");
        encrypt.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(shape.iv));
        this.decrypt = Cipher.getInstance("AES/CTR/NoPadding");
        decrypt.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(shape.iv));
        SecretKeySpec macKey = new SecretKeySpec(shape.macKey, shape.mac.jcaName());
        this.sendMac = Mac.getInstance(shape.mac.jcaName());
        sendMac.init(macKey);
        this.receiveMac = Mac.getInstance(shape.mac.jcaName());
        receiveMac.init(macKey);
        this.plain = shape.plaintext();
        this.wire = new byte[shape.wireLength()];
        this.opened = new byte[shape.wireLength()];
        this.sentTag = new byte[shape.tagLength];
        this.computedTag = new byte[shape.tagLength];
        System.arraycopy(plain, 0, wire, 0, 4);
    }

    @Override
    public int roundTrip() throws GeneralSecurityException {
        int total = 4 + shape.packetLength;
        seal();
        setSequence();
        if (etm) {
            receiveMac.update(sequenceBytes);
            receiveMac.update(wire, 0, total);
            receiveMac.doFinal(computedTag, 0);
            check();
            decrypt.update(wire, 4, shape.packetLength, opened, 4);
        } else {
            decrypt.update(wire, 0, total, opened, 0);
            receiveMac.update(sequenceBytes);
            receiveMac.update(opened, 0, total);
            receiveMac.doFinal(computedTag, 0);
            check();
        }
        sequence++;
        return opened[5];
    }

    @Override
    public byte[] firstWire() throws GeneralSecurityException {
        seal();
        return wire.clone();
    }

    private void seal() throws GeneralSecurityException {
        int total = 4 + shape.packetLength;
        setSequence();
        if (etm) {
            encrypt.update(plain, 4, shape.packetLength, wire, 4);
            sendMac.update(sequenceBytes);
            sendMac.update(wire, 0, total);
        } else {
            sendMac.update(sequenceBytes);
            sendMac.update(plain, 0, total);
            encrypt.update(plain, 0, total, wire, 0);
        }
        sendMac.doFinal(sentTag, 0);
        System.arraycopy(sentTag, 0, wire, total, sentTag.length);
    }

    private void check() throws GeneralSecurityException {
        if (!MessageDigest.isEqual(computedTag, sentTag)) {
            throw new GeneralSecurityException("MAC error");
        }
    }

    private void setSequence() {
        sequenceBytes[0] = (byte) (sequence >>> 24);
        sequenceBytes[1] = (byte) (sequence >>> 16);
        sequenceBytes[2] = (byte) (sequence >>> 8);
        sequenceBytes[3] = (byte) sequence;
    }

    @Override
    public void close() {
    }
}
