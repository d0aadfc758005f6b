// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Does the least JDK AES/GCM/NoPadding work one {@code aesN-gcm@openssh.com} packet needs (RFC 5647 §7):
 * an {@code init} with the next nonce, the 4-byte length as AAD, and {@code doFinal} over the packet, once
 * to encrypt and once to decrypt and verify; out of place, into arrays allocated once, with no framing.
 */
final class RawAesGcmRoundTrip implements PacketRoundTrip {

    private final PacketShape shape;
    private final Cipher encrypt;
    private final Cipher decrypt;
    private final SecretKeySpec key;
    private final byte[] iv;
    private final byte[] plain;
    private final byte[] wire;
    private final byte[] opened;

    RawAesGcmRoundTrip(PacketShape shape) throws GeneralSecurityException {
        this.shape = shape;
        this.encrypt = Cipher.getInstance("AES/GCM/NoPadding");
        this.decrypt = Cipher.getInstance("AES/GCM/NoPadding");
        this.key = new SecretKeySpec(shape.key, "AES");
        this.iv = shape.iv.clone();
        this.plain = shape.plaintext();
        this.wire = new byte[shape.wireLength()];
        this.opened = new byte[shape.wireLength()];
        System.arraycopy(plain, 0, wire, 0, 4);
    }

    @Override
    public int roundTrip() throws GeneralSecurityException {
        seal();
        GCMParameterSpec nonce = new GCMParameterSpec(128, iv);
        decrypt.init(Cipher.DECRYPT_MODE, key, nonce);
        decrypt.updateAAD(wire, 0, 4);
        decrypt.doFinal(wire, 4, shape.packetLength + 16, opened, 4);
        increment();
        return opened[5];
    }

    @Override
    public byte[] firstWire() throws GeneralSecurityException {
        seal();
        return wire.clone();
    }

    private void seal() throws GeneralSecurityException {
        encrypt.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        encrypt.updateAAD(plain, 0, 4);
        encrypt.doFinal(plain, 4, shape.packetLength, wire, 4);
    }

    private void increment() {
        for (int i = 11; i >= 4; i--) {
            if (++iv[i] != 0) {
                break;
            }
        }
    }

    @Override
    public void close() {
        Arrays.fill(iv, (byte) 0);
    }
}
