// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.file;

import dev.fumidai.audit.json.CanonicalJson;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Computes the per-stream hash chain of audit schema §3.1:
 * {@code hash = SHA-256(prev_hash ‖ JCS(record without "hash"))}, where {@code prev_hash} enters as its 32 raw
 * bytes (the hex decoded), {@code JCS} is the RFC 8785 canonical UTF-8 form ({@link CanonicalJson}), and the
 * record still contains its {@code prev_hash}, {@code seq} and {@code stream_id}. The first record of a stream
 * has {@code prev_hash} = {@link #GENESIS}. Hashes are written as lower-case hex.
 */
public final class ChainHash {

    /** Is the {@code prev_hash} of a stream's first record: 32 zero bytes. */
    public static final String GENESIS = "0".repeat(64);

    private ChainHash() {
    }

    /**
     * Returns the hash of a decoded record.
     *
     * @param prevHash the hex {@code prev_hash}
     * @param record the record; a {@code hash} member, if present, is left out
     * @throws IllegalArgumentException if {@code prevHash} is not 64 hex digits or the record not canonicalisable
     */
    public static String compute(String prevHash, Map<String, Object> record) {
        if (prevHash == null || prevHash.length() != 64) {
            throw new IllegalArgumentException("prev_hash must be 64 hex digits");
        }
        byte[] prev = HexFormat.of().parseHex(prevHash);
        Map<String, Object> withoutHash = record;
        if (record.containsKey("hash")) {
            withoutHash = new LinkedHashMap<>(record);
            withoutHash.remove("hash");
        }
        MessageDigest sha = sha256();
        sha.update(prev);
        sha.update(CanonicalJson.toBytes(withoutHash));
        return HexFormat.of().formatHex(sha.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }
}
