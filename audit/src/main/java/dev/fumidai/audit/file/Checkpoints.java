// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.file;

import dev.fumidai.audit.json.CanonicalJson;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Defines what an {@code audit.checkpoint} signs (audit schema §3.2) and signs or checks it with Ed25519
 * (RFC 8032, the JDK's {@code Ed25519} provider).
 *
 * <p>The signed message is the RFC 8785 canonical JSON of the object
 * {@code {"chain_head", "first_seq", "key_id", "last_seq", "stream_id", "time", ["tree_root"]}}, where
 * {@code time} is the checkpoint record's own {@code time} string and the others are the members of its
 * {@code checkpoint} object. The signature is base64 (RFC 4648 §4, padded). A key is named by
 * {@code SHA256:<base64 without padding of SHA-256(X.509 SubjectPublicKeyInfo)>}, the OpenSSH fingerprint style.
 * {@code tree_root}, present in Merkle mode only, is the hex {@link MerkleTree} root over the records
 * {@code first_seq..last_seq} (the empty tree's root when the checkpoint covers no new record).
 */
public final class Checkpoints {

    /** Is the JCA name of the signature algorithm. */
    public static final String ALGORITHM = "Ed25519";

    private Checkpoints() {
    }

    /** Returns the canonical bytes a checkpoint signature covers. */
    public static byte[] signedBytes(String streamId, long firstSeq, long lastSeq, String chainHead, String treeRoot,
            String keyId, String time) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stream_id", streamId);
        m.put("first_seq", firstSeq);
        m.put("last_seq", lastSeq);
        m.put("chain_head", chainHead);
        if (treeRoot != null) {
            m.put("tree_root", treeRoot);
        }
        m.put("key_id", keyId);
        m.put("time", time);
        return CanonicalJson.toBytes(m);
    }

    /** Returns the key id of a public key. */
    public static String keyId(PublicKey key) {
        byte[] digest = ChainHash.sha256().digest(key.getEncoded());
        return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    }

    /** Signs a message. @throws GeneralSecurityException if the key is not an Ed25519 key */
    public static String sign(PrivateKey key, byte[] message) throws GeneralSecurityException {
        Signature s = Signature.getInstance(ALGORITHM);
        s.initSign(key);
        s.update(message);
        return Base64.getEncoder().encodeToString(s.sign());
    }

    /** Returns whether {@code signature} is a valid signature of {@code message} under {@code key}. */
    public static boolean verify(PublicKey key, byte[] message, String signature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(message);
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
