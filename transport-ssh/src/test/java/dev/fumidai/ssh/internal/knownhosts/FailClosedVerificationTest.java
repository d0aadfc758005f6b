// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.knownhosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.audit.VerifiedBy;
import dev.fumidai.ssh.HostKeyCheck;
import dev.fumidai.ssh.HostKeyVerdict;
import dev.fumidai.ssh.HostKeyVerificationException;
import dev.fumidai.ssh.HostKeyVerificationException.Kind;
import dev.fumidai.ssh.HostKeyVerifier;
import dev.fumidai.ssh.KnownHostsVerifier;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Security checklist R15: whatever goes wrong inside a verifier rejects the key. */
class FailClosedVerificationTest {

    private static final HostKeyCheck CHECK = new HostKeyCheck("bastion", 22, "ssh-ed25519", new byte[] {1});

    @TempDir
    Path dir;

    @Test
    void passesVerdictsAndDecisionsThrough() throws Exception {
        HostKeyVerdict ok = new HostKeyVerdict(VerifiedBy.CUSTOM, "SHA256:x", false);
        assertSame(ok, FailClosedVerification.verify(check -> ok, CHECK));
        HostKeyVerificationException denied = new HostKeyVerificationException(Kind.MISMATCH, "no");
        HostKeyVerificationException thrown = assertThrows(HostKeyVerificationException.class,
                () -> FailClosedVerification.verify(check -> { throw denied; }, CHECK));
        assertSame(denied, thrown);
        assertFalse(FailClosedVerification.isVerifierError(thrown));
    }

    @Test
    void uncheckedExceptionsErrorsAndNullVerdictsReject() {
        HostKeyVerifier[] broken = {
            check -> { throw new UncheckedIOException(new java.io.IOException("disk gone")); },
            check -> { throw new IllegalStateException("bug"); },
            check -> { throw new OutOfMemoryError("simulated allocation failure"); },
            check -> null,
        };
        for (HostKeyVerifier v : broken) {
            HostKeyVerificationException e = assertThrows(HostKeyVerificationException.class,
                    () -> FailClosedVerification.verify(v, CHECK));
            assertEquals(Kind.UNKNOWN, e.kind());
            assertTrue(e.getMessage().contains("\"bastion\""), e.getMessage());
            assertTrue(FailClosedVerification.isVerifierError(e));
        }
    }

    @Test
    void knownHostsReadErrorIsAVerifierError() throws Exception {
        Path directory = Files.createDirectory(dir.resolve("kh"));
        HostKeyVerificationException e = assertThrows(HostKeyVerificationException.class,
                () -> FailClosedVerification.verify(KnownHostsVerifier.of(directory), ed25519Check()));
        assertInstanceOf(java.io.IOException.class, e.getCause());
        assertTrue(FailClosedVerification.isVerifierError(e));
    }

    private static HostKeyCheck ed25519Check() throws Exception {
        java.security.KeyPair pair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] blob = dev.fumidai.ssh.internal.keys.SshPublicKeys.fromJavaKey(pair.getPublic()).encoded();
        return new HostKeyCheck("bastion", 22, "ssh-ed25519", blob);
    }
}
