// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Reads an armored {@code ssh-keygen -Y sign} signature (OpenSSH {@code PROTOCOL.sshsig}) so that tests can
 * check signatures OpenSSH made with our verifier.
 *
 * @param publicKey the signer's key blob
 * @param signedData the bytes the inner signature covers
 * @param signatureBlob the inner SSH signature blob
 */
record SshSig(byte[] publicKey, byte[] signedData, byte[] signatureBlob) {

    static SshSig parse(String armored, byte[] message) throws Exception {
        String body = armored.replace("-----BEGIN SSH SIGNATURE-----", "")
                .replace("-----END SSH SIGNATURE-----", "").replaceAll("\\s", "");
        SshWireReader r = new SshWireReader(Base64.getDecoder().decode(body));
        byte[] magic = r.readBytes(6);
        if (!"SSHSIG".equals(new String(magic, StandardCharsets.US_ASCII))) {
            throw new IllegalArgumentException("not an SSHSIG");
        }
        r.readUint32(); // version
        byte[] publicKey = r.readString();
        byte[] namespace = r.readString();
        byte[] reserved = r.readString();
        String hashAlgorithm = r.readAscii();
        byte[] signature = r.readString();
        String jdkHash = "sha512".equals(hashAlgorithm) ? "SHA-512" : "SHA-256";
        byte[] hash = MessageDigest.getInstance(jdkHash).digest(message);
        byte[] signed = new SshWireWriter().raw(magic).string(namespace).string(reserved).string(hashAlgorithm)
                .string(hash).toByteArray();
        return new SshSig(publicKey, signed, signature);
    }

    String signatureAlgorithm() throws Exception {
        return new SshWireReader(signatureBlob).readAscii();
    }
}
