// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds OpenSSH certificates ({@code PROTOCOL.certkeys}) in Java so that default-build tests can vary every
 * field without ssh-keygen. Only for tests.
 */
public final class TestCertificates {

    private final KeyPair key;
    private String signatureAlgorithm = KeyAlgorithms.SSH_ED25519;
    private int type = 2;
    private String keyId = "test";
    private long serial = 1;
    private List<String> principals = new ArrayList<>(List.of("host1"));
    private long validAfter = 0;
    private long validBefore = OpenSshCertificate.FOREVER;
    private final List<String[]> criticalOptions = new ArrayList<>();
    private final List<String[]> extensions = new ArrayList<>();

    private TestCertificates(KeyPair key) {
        this.key = key;
    }

    /** Starts a host certificate for an Ed25519 key. */
    public static TestCertificates forKey(KeyPair key) {
        return new TestCertificates(key);
    }

    /** Generates a fresh Ed25519 key pair. */
    public static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public TestCertificates user() {
        type = 1;
        return this;
    }

    public TestCertificates type(int code) {
        type = code;
        return this;
    }

    public TestCertificates principals(String... names) {
        principals = new ArrayList<>(List.of(names));
        return this;
    }

    public TestCertificates validity(long after, long before) {
        validAfter = after;
        validBefore = before;
        return this;
    }

    public TestCertificates keyId(String id) {
        keyId = id;
        return this;
    }

    public TestCertificates serial(long value) {
        serial = value;
        return this;
    }

    public TestCertificates criticalOption(String name, String value) {
        criticalOptions.add(new String[] {name, value});
        return this;
    }

    public TestCertificates extension(String name) {
        extensions.add(new String[] {name, null});
        return this;
    }

    public TestCertificates caSignatureAlgorithm(String algorithm) {
        signatureAlgorithm = algorithm;
        return this;
    }

    /** Signs the certificate with a CA key pair and returns the blob. */
    public byte[] signedBy(KeyPair ca) throws GeneralSecurityException {
        PlainSshPublicKey subject = SshPublicKeys.fromJavaKey(key.getPublic());
        PlainSshPublicKey caKey = SshPublicKeys.fromJavaKey(ca.getPublic());
        SshWireWriter w = new SshWireWriter();
        w.string(subject.keyType() + KeyAlgorithms.CERT_SUFFIX);
        w.string(new byte[32]);
        SshWireReader body = new SshWireReader(subject.encoded());
        body.readString();
        w.raw(body.readBytes(body.remaining()));
        w.uint64(serial).uint32(type).string(keyId);
        SshWireWriter p = new SshWireWriter();
        principals.forEach(p::string);
        w.string(p.toByteArray());
        w.uint64(validAfter).uint64(validBefore);
        w.string(options(criticalOptions)).string(options(extensions)).string(new byte[0]);
        w.string(caKey.encoded());
        byte[] signed = w.toByteArray();
        byte[] signature = SshSignatures.sign(ca.getPrivate(), signatureAlgorithm, signed);
        return new SshWireWriter().raw(signed).string(signature).toByteArray();
    }

    private static byte[] options(List<String[]> pairs) {
        SshWireWriter w = new SshWireWriter();
        for (String[] pair : pairs) {
            w.string(pair[0]);
            w.string(pair[1] == null ? new byte[0] : new SshWireWriter().string(pair[1]).toByteArray());
        }
        return w.toByteArray();
    }
}
