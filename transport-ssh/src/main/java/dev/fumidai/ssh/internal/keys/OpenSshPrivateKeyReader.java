// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import dev.fumidai.ssh.PrivateKeyPolicy;
import dev.fumidai.ssh.internal.keys.PrivateKeyException.Reason;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads the {@code openssh-key-v1} private key format (OpenSSH {@code PROTOCOL.key}): unencrypted, or
 * encrypted with a key and IV from {@code bcrypt_pbkdf} and one of aes128/192/256-ctr, aes128/256-cbc,
 * aes128/256-gcm@openssh.com (the GCM tag follows the encrypted section, outside its length).
 */
final class OpenSshPrivateKeyReader {

    private static final byte[] MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);

    /** Describes a cipher of PROTOCOL.key: JDK transformation, key and IV length, block size, tag length. */
    private record KeyCipher(String transformation, int keyLength, int ivLength, int blockSize, int tagLength) {
    }

    private OpenSshPrivateKeyReader() {
    }

    private static KeyCipher cipher(String name) {
        return switch (name) {
            case "none" -> new KeyCipher(null, 0, 0, 8, 0);
            case "aes128-ctr" -> new KeyCipher("AES/CTR/NoPadding", 16, 16, 16, 0);
            case "aes192-ctr" -> new KeyCipher("AES/CTR/NoPadding", 24, 16, 16, 0);
            case "aes256-ctr" -> new KeyCipher("AES/CTR/NoPadding", 32, 16, 16, 0);
            case "aes128-cbc" -> new KeyCipher("AES/CBC/NoPadding", 16, 16, 16, 0);
            case "aes256-cbc" -> new KeyCipher("AES/CBC/NoPadding", 32, 16, 16, 0);
            case "aes128-gcm@openssh.com" -> new KeyCipher("AES/GCM/NoPadding", 16, 12, 16, 16);
            case "aes256-gcm@openssh.com" -> new KeyCipher("AES/GCM/NoPadding", 32, 12, 16, 16);
            default -> null;
        };
    }

    static SshPrivateKey read(byte[] data, String keyName, PassphraseSource passphrase, PrivateKeyPolicy policy)
            throws PrivateKeyException {
        try {
            return readUnchecked(data, keyName, passphrase, policy);
        } catch (PrivateKeyException e) {
            throw e;
        } catch (InvalidSshKeyException e) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": " + e.getMessage(), e);
        }
    }

    private static SshPrivateKey readUnchecked(byte[] data, String keyName, PassphraseSource passphrase,
            PrivateKeyPolicy policy) throws InvalidSshKeyException {
        if (data.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(data, MAGIC.length), MAGIC)) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": not an openssh-key-v1 key");
        }
        SshWireReader r = new SshWireReader(data, MAGIC.length, data.length - MAGIC.length);
        String cipherName = r.readAscii();
        String kdfName = r.readAscii();
        SshWireReader kdfOptions = r.readStringAsReader();
        long count = r.readUint32();
        if (count != 1) {
            throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + " holds " + count + " keys; only one is supported");
        }
        byte[] publicBlob = r.readString();
        byte[] encrypted = r.readString();
        KeyCipher cipher = cipher(cipherName);
        if (cipher == null) {
            throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + " is encrypted with cipher "
                    + SshPublicKeys.printable(cipherName) + ", which is not supported");
        }
        byte[] tag = r.readBytes(cipher.tagLength());
        r.requireEnd("openssh-key-v1 key");
        if (encrypted.length % cipher.blockSize() != 0) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": private section is not a multiple of the"
                    + " cipher block size");
        }
        PlainSshPublicKey outerPublic;
        try {
            outerPublic = SshPublicKeys.parsePlain(publicBlob);
        } catch (InvalidSshKeyException e) {
            throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + ": " + e.getMessage(), e);
        }
        byte[] plain = null;
        try {
            if (cipher.transformation() == null) {
                if (!"none".equals(kdfName)) {
                    throw new PrivateKeyException(Reason.MALFORMED, keyName + ": unencrypted key with KDF " + kdfName);
                }
                plain = encrypted;
            } else {
                plain = decrypt(encrypted, tag, cipher, kdfName, kdfOptions, keyName, passphrase, policy);
            }
            return parsePrivateSection(plain, outerPublic, keyName, cipher.transformation() != null);
        } finally {
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    private static byte[] decrypt(byte[] encrypted, byte[] tag, KeyCipher cipher, String kdfName,
            SshWireReader kdfOptions, String keyName, PassphraseSource passphrase, PrivateKeyPolicy policy)
            throws InvalidSshKeyException {
        if (!"bcrypt".equals(kdfName)) {
            throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + " uses KDF " + SshPublicKeys.printable(kdfName)
                    + "; only bcrypt is supported");
        }
        byte[] salt = kdfOptions.readString();
        long rounds = kdfOptions.readUint32();
        if (rounds < 1 || salt.length == 0 || salt.length > 1024) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": bcrypt parameters out of range (rounds "
                    + rounds + ", salt " + salt.length + " bytes)");
        }
        // Checked before the passphrase is asked for and before any KDF work: the rounds are the file's word.
        if (rounds > policy.maxBcryptRounds()) {
            throw new PrivateKeyException(Reason.OVER_LIMIT, keyName + " asks for " + rounds + " bcrypt KDF rounds,"
                    + " more than the limit of " + policy.maxBcryptRounds() + " (PrivateKeyPolicy.maxBcryptRounds;"
                    + " ssh-keygen writes 16 unless given -a); the key is refused");
        }
        byte[] pass = passphrase.utf8(keyName);
        byte[] derived = null;
        try {
            derived = BcryptPbkdf.derive(pass, salt, (int) rounds, cipher.keyLength() + cipher.ivLength(),
                    KdfDeadline.start(keyName, policy.decryptionDeadline()));
            Cipher c = Cipher.getInstance(cipher.transformation());
            SecretKeySpec key = new SecretKeySpec(derived, 0, cipher.keyLength(), "AES");
            byte[] iv = Arrays.copyOfRange(derived, cipher.keyLength(), derived.length);
            if (cipher.tagLength() > 0) {
                c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(cipher.tagLength() * 8, iv));
                c.update(encrypted);
                byte[] out = c.doFinal(tag);
                return out;
            }
            c.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(iv));
            return c.doFinal(encrypted);
        } catch (AEADBadTagException e) {
            throw new PrivateKeyException(Reason.WRONG_PASSPHRASE, "wrong passphrase for " + keyName);
        } catch (PrivateKeyException e) {
            throw e; // the deadline
        } catch (GeneralSecurityException e) {
            throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + ": cannot decrypt: " + e.getMessage(), e);
        } finally {
            Arrays.fill(pass, (byte) 0);
            if (derived != null) {
                Arrays.fill(derived, (byte) 0);
            }
        }
    }

    private static SshPrivateKey parsePrivateSection(byte[] plain, PlainSshPublicKey outerPublic, String keyName,
            boolean encrypted) throws InvalidSshKeyException {
        SshWireReader r = new SshWireReader(plain);
        long check1 = r.readUint32();
        long check2 = r.readUint32();
        if (check1 != check2) {
            throw encrypted
                    ? new PrivateKeyException(Reason.WRONG_PASSPHRASE, "wrong passphrase for " + keyName)
                    : new PrivateKeyException(Reason.MALFORMED, keyName + ": check integers differ");
        }
        String type = r.readAscii();
        PrivateKey key;
        PlainSshPublicKey inner;
        BigInteger secret = null;
        try {
            if (KeyAlgorithms.SSH_ED25519.equals(type)) {
                byte[] pk = r.readString();
                byte[] sk = r.readString();
                try {
                    if (sk.length != 64 || pk.length != 32 || !Arrays.equals(pk, Arrays.copyOfRange(sk, 32, 64))) {
                        throw new PrivateKeyException(Reason.MALFORMED, keyName + ": inconsistent ssh-ed25519 key");
                    }
                    inner = Ed25519SshPublicKey.fromRaw(pk);
                    key = KeyFactory.getInstance("Ed25519").generatePrivate(
                            new EdECPrivateKeySpec(NamedParameterSpec.ED25519, Arrays.copyOf(sk, 32)));
                } finally {
                    Arrays.fill(sk, (byte) 0);
                }
            } else if (KeyAlgorithms.SSH_RSA.equals(type)) {
                BigInteger n = r.readPositiveMpint();
                BigInteger e = r.readPositiveMpint();
                BigInteger d = r.readPositiveMpint();
                BigInteger iqmp = r.readPositiveMpint();
                BigInteger p = r.readPositiveMpint();
                BigInteger q = r.readPositiveMpint();
                inner = RsaSshPublicKey.fromComponents(n, e);
                key = PemPrivateKeyReader.rsaKey(n, e, d, p, q, iqmp);
            } else {
                EcdsaSshPublicKey.Curve curve = EcdsaSshPublicKey.Curve.forKeyType(type);
                if (curve == null) {
                    throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + " is a " + SshPublicKeys.printable(type)
                            + " key, which is not supported");
                }
                inner = EcdsaSshPublicKey.read(curve, r);
                secret = r.readPositiveMpint();
                key = KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(secret, curve.parameters()));
            }
        } catch (GeneralSecurityException e) {
            if (e instanceof InvalidSshKeyException ike) {
                throw ike;
            }
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": invalid " + type + " key", e);
        }
        String comment = r.readUtf8();
        for (int i = 1; r.remaining() > 0; i++) {
            if (r.readByte() != (i & 0xff)) {
                throw new PrivateKeyException(Reason.MALFORMED, keyName + ": bad padding after the private key");
            }
        }
        if (!inner.equals(outerPublic)) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": public key does not match the private key");
        }
        return new SshPrivateKey(key, inner, comment);
    }
}
