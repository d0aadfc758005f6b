// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Is an OpenSSH key revocation list: the binary KRL of {@code PROTOCOL.krl} that {@code ssh-keygen -k} writes,
 * or a text file of public keys, one per line (OpenSSH accepts both for {@code RevokedHostKeys}).
 *
 * <p>{@link #isRevoked} follows OpenSSH's {@code ssh_krl_check_key}: a certificate is revoked by serial
 * (list, range or bitmap; serial 0 is never revoked by serial) or key ID under its CA or under the "any CA"
 * section; any key, the certified key of a certificate and the certificate's CA are revoked when listed
 * explicitly or by SHA-1 or SHA-256 hash of their blob.
 *
 * <h2>Failure</h2>
 * A malformed KRL, an unknown critical extension, or a signature section (OpenSSH 9.4+ refuses signed KRLs)
 * fails the parse; callers treat that as "cannot verify" and reject.
 *
 * <p>Immutable and thread-safe.
 */
public final class KeyRevocationList {

    private static final byte[] MAGIC = "SSHKRL\n\0".getBytes(StandardCharsets.US_ASCII);
    private static final int SECTION_CERTIFICATES = 1;
    private static final int SECTION_EXPLICIT_KEY = 2;
    private static final int SECTION_FINGERPRINT_SHA1 = 3;
    private static final int SECTION_SIGNATURE = 4;
    private static final int SECTION_FINGERPRINT_SHA256 = 5;
    private static final int SECTION_EXTENSION = 255;
    private static final int CERT_SERIAL_LIST = 0x20;
    private static final int CERT_SERIAL_RANGE = 0x21;
    private static final int CERT_SERIAL_BITMAP = 0x22;
    private static final int CERT_KEY_ID = 0x23;
    private static final int CERT_EXTENSION = 0x39;

    /** Revocations under one CA (or under any CA when the key is absent). */
    private static final class CaSection {
        final List<long[]> ranges = new ArrayList<>();
        final List<Object[]> bitmaps = new ArrayList<>();
        final Set<String> keyIds = new HashSet<>();

        boolean revokes(OpenSshCertificate cert) {
            if (keyIds.contains(cert.keyId())) {
                return true;
            }
            long serial = cert.serial();
            if (serial == 0) {
                return false;
            }
            for (long[] r : ranges) {
                if (Long.compareUnsigned(serial, r[0]) >= 0 && Long.compareUnsigned(serial, r[1]) <= 0) {
                    return true;
                }
            }
            for (Object[] b : bitmaps) {
                long offset = (Long) b[0];
                BigInteger bits = (BigInteger) b[1];
                if (Long.compareUnsigned(serial, offset) >= 0) {
                    long index = serial - offset;
                    if (index >= 0 && index < bits.bitLength() && bits.testBit((int) index)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private final Map<ByteBuffer, CaSection> byCa;
    private final CaSection anyCa;
    private final Set<ByteBuffer> explicitKeys;
    private final Set<ByteBuffer> sha1;
    private final Set<ByteBuffer> sha256;

    private KeyRevocationList(Map<ByteBuffer, CaSection> byCa, CaSection anyCa, Set<ByteBuffer> explicitKeys,
            Set<ByteBuffer> sha1, Set<ByteBuffer> sha256) {
        this.byCa = byCa;
        this.anyCa = anyCa;
        this.explicitKeys = explicitKeys;
        this.sha1 = sha1;
        this.sha256 = sha256;
    }

    /** Returns an empty list (nothing revoked). */
    public static KeyRevocationList empty() {
        return new KeyRevocationList(Map.of(), new CaSection(), Set.of(), Set.of(), Set.of());
    }

    /** Reads a KRL or public-key list file; a missing file is an error (a configured revocation file must exist). */
    public static KeyRevocationList read(Path file) throws java.io.IOException, InvalidSshKeyException {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidSshKeyException("revocation list " + file + " does not exist", e);
        }
        return parse(data, file.toString());
    }

    /** Parses KRL bytes, or text lines of public keys when the KRL magic is absent. */
    public static KeyRevocationList parse(byte[] data, String name) throws InvalidSshKeyException {
        if (data.length >= MAGIC.length && Arrays.equals(Arrays.copyOf(data, MAGIC.length), MAGIC)) {
            try {
                return parseKrl(data);
            } catch (InvalidSshKeyException e) {
                throw new InvalidSshKeyException(name + ": " + e.getMessage(), e);
            }
        }
        Set<ByteBuffer> keys = new HashSet<>();
        String[] lines = new String(data, StandardCharsets.UTF_8).split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                SshPublicKey key = SshPublicKeys.parseText(line);
                keys.add(ByteBuffer.wrap(plain(key).encoded()));
            } catch (InvalidSshKeyException e) {
                throw new InvalidSshKeyException(name + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new KeyRevocationList(Map.of(), new CaSection(), keys, Set.of(), Set.of());
    }

    private static KeyRevocationList parseKrl(byte[] data) throws InvalidSshKeyException {
        SshWireReader r = new SshWireReader(data, MAGIC.length, data.length - MAGIC.length);
        long version = r.readUint32();
        if (version != 1) {
            throw new InvalidSshKeyException("unsupported KRL format version " + version);
        }
        r.readUint64(); // krl_version
        r.readUint64(); // generated_date
        r.readUint64(); // flags
        r.readString(); // reserved
        r.readString(); // comment
        Map<ByteBuffer, CaSection> byCa = new HashMap<>();
        CaSection anyCa = new CaSection();
        Set<ByteBuffer> explicit = new HashSet<>();
        Set<ByteBuffer> sha1 = new HashSet<>();
        Set<ByteBuffer> sha256 = new HashSet<>();
        while (r.remaining() > 0) {
            int type = r.readByte();
            if (type == SECTION_SIGNATURE) {
                throw new InvalidSshKeyException("signed KRLs are not supported (as in OpenSSH 9.4+)");
            }
            SshWireReader section = r.readStringAsReader();
            switch (type) {
                case SECTION_CERTIFICATES -> {
                    byte[] caBlob = section.readString();
                    section.readString(); // reserved
                    CaSection target;
                    if (caBlob.length == 0) {
                        target = anyCa;
                    } else {
                        SshPublicKeys.parsePlain(caBlob); // must be a valid plain key
                        target = byCa.computeIfAbsent(ByteBuffer.wrap(caBlob), k -> new CaSection());
                    }
                    readCertSubsections(section, target);
                }
                case SECTION_EXPLICIT_KEY -> {
                    while (section.remaining() > 0) {
                        explicit.add(ByteBuffer.wrap(section.readString()));
                    }
                }
                case SECTION_FINGERPRINT_SHA1 -> readHashes(section, 20, sha1);
                case SECTION_FINGERPRINT_SHA256 -> readHashes(section, 32, sha256);
                case SECTION_EXTENSION -> readExtension(section, "KRL");
                default -> throw new InvalidSshKeyException("unknown KRL section type " + type);
            }
        }
        return new KeyRevocationList(byCa, anyCa, explicit, sha1, sha256);
    }

    private static void readCertSubsections(SshWireReader section, CaSection target) throws InvalidSshKeyException {
        while (section.remaining() > 0) {
            int type = section.readByte();
            SshWireReader sub = section.readStringAsReader();
            switch (type) {
                case CERT_SERIAL_LIST -> {
                    while (sub.remaining() > 0) {
                        long serial = sub.readUint64();
                        target.ranges.add(new long[] {serial, serial});
                    }
                }
                case CERT_SERIAL_RANGE -> {
                    long lo = sub.readUint64();
                    long hi = sub.readUint64();
                    sub.requireEnd("KRL serial range");
                    if (Long.compareUnsigned(lo, hi) > 0) {
                        throw new InvalidSshKeyException("KRL serial range with min above max");
                    }
                    target.ranges.add(new long[] {lo, hi});
                }
                case CERT_SERIAL_BITMAP -> {
                    long offset = sub.readUint64();
                    BigInteger bits = sub.readPositiveMpint();
                    sub.requireEnd("KRL serial bitmap");
                    target.bitmaps.add(new Object[] {offset, bits});
                }
                case CERT_KEY_ID -> {
                    while (sub.remaining() > 0) {
                        target.keyIds.add(sub.readUtf8());
                    }
                }
                case CERT_EXTENSION -> readExtension(sub, "KRL certificate");
                default -> throw new InvalidSshKeyException("unknown KRL certificate subsection type " + type);
            }
        }
    }

    private static void readHashes(SshWireReader section, int length, Set<ByteBuffer> into) throws InvalidSshKeyException {
        while (section.remaining() > 0) {
            byte[] hash = section.readString();
            if (hash.length != length) {
                throw new InvalidSshKeyException("KRL fingerprint of " + hash.length + " bytes, expected " + length);
            }
            into.add(ByteBuffer.wrap(hash));
        }
    }

    /** Skips a non-critical extension; an unknown critical one fails, as PROTOCOL.krl §5 requires. */
    private static void readExtension(SshWireReader section, String where) throws InvalidSshKeyException {
        String name = section.readUtf8();
        boolean critical = section.readBoolean();
        section.readString();
        if (critical) {
            throw new InvalidSshKeyException("unsupported critical " + where + " extension "
                    + SshPublicKeys.printable(name));
        }
    }

    /** Returns whether the key, or for a certificate the certificate, its key or its CA, is revoked. */
    public boolean isRevoked(SshPublicKey key) {
        if (key instanceof OpenSshCertificate cert) {
            CaSection section = byCa.get(ByteBuffer.wrap(cert.signatureKey().encoded()));
            if ((section != null && section.revokes(cert)) || anyCa.revokes(cert)) {
                return true;
            }
            return isPlainRevoked(cert.publicKey()) || isPlainRevoked(cert.signatureKey());
        }
        return isPlainRevoked(plain(key));
    }

    private boolean isPlainRevoked(PlainSshPublicKey key) {
        byte[] blob = key.encoded();
        return explicitKeys.contains(ByteBuffer.wrap(blob)) || sha1.contains(ByteBuffer.wrap(digest("SHA-1", blob)))
                || sha256.contains(ByteBuffer.wrap(digest("SHA-256", blob)));
    }

    private static PlainSshPublicKey plain(SshPublicKey key) {
        return key instanceof OpenSshCertificate cert ? cert.publicKey() : (PlainSshPublicKey) key;
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is mandatory in every JDK", e);
        }
    }
}
