// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import dev.fumidai.ssh.internal.keys.KeyAlgorithms;
import dev.fumidai.ssh.internal.keys.OpenSshCertificate;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Loads ssh-keygen fixtures and builds host-key checks for verifier tests. */
final class HostKeyFixtures {

    /** A time inside the validity of the fixture certificates (2020-01-01 .. 2099-12-31). */
    static final Clock IN_2026 = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);

    private HostKeyFixtures() {
    }

    static String text(String name) {
        try (InputStream in = HostKeyFixtures.class.getResourceAsStream("/dev/fumidai/ssh/keys/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String name) {
        try (InputStream in = HostKeyFixtures.class.getResourceAsStream("/dev/fumidai/ssh/keys/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the {@code type base64} part of a .pub fixture, without the comment. */
    static String keyText(String pubFile) {
        String[] words = text(pubFile).trim().split(" ");
        return words[0] + " " + words[1];
    }

    static SshPublicKey key(String pubFile) {
        try {
            return SshPublicKeys.parseText(text(pubFile));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns the check a transport would make for a key presented by host:port. */
    static HostKeyCheck check(String host, int port, SshPublicKey key) {
        return new HostKeyCheck(host, port, algorithmFor(key), key.encoded());
    }

    static HostKeyCheck check(String host, int port, String pubFile) {
        return check(host, port, key(pubFile));
    }

    static String algorithmFor(SshPublicKey key) {
        if (key instanceof OpenSshCertificate cert) {
            String plain = cert.publicKey().keyType();
            return (KeyAlgorithms.SSH_RSA.equals(plain) ? KeyAlgorithms.RSA_SHA2_512 : plain) + KeyAlgorithms.CERT_SUFFIX;
        }
        return KeyAlgorithms.SSH_RSA.equals(key.keyType()) ? KeyAlgorithms.RSA_SHA2_512 : key.keyType();
    }
}
