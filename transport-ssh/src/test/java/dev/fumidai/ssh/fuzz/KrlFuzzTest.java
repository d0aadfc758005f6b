// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fumidai.ssh.internal.keys.InvalidSshKeyException;
import dev.fumidai.ssh.internal.keys.KeyRevocationList;
import dev.fumidai.ssh.internal.keys.SshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds arbitrary bytes to {@link KeyRevocationList#parse}: the binary OpenSSH KRL format ({@code SSHKRL} magic,
 * sections of serials, ranges, bitmaps, key ids, hashes, explicit keys) or a text list of public keys.
 * Contract: a list or {@link InvalidSshKeyException}; asking a parsed list about plain keys and certificates
 * never throws.
 */
class KrlFuzzTest {

    static final List<SshPublicKey> PROBES = probes();

    @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
    void parse(byte[] input) {
        KeyRevocationList krl;
        try {
            krl = KeyRevocationList.parse(input, "fuzz");
        } catch (InvalidSshKeyException e) {
            return;
        }
        for (SshPublicKey key : PROBES) {
            krl.isRevoked(key);
        }
    }

    static List<SshPublicKey> probes() {
        List<SshPublicKey> keys = new ArrayList<>();
        for (String name : List.of("host_ed25519.pub", "host_ed25519-cert.pub", "host_rsa-cert.pub",
                "id_ecdsa256.pub", "host_ecdsa256-cert.pub")) {
            try (InputStream in = KrlFuzzTest.class.getResourceAsStream("/dev/fumidai/ssh/keys/" + name)) {
                keys.add(SshPublicKeys.parseText(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InvalidSshKeyException e) {
                throw new IllegalStateException(name, e);
            }
        }
        return keys;
    }
}
