// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import dev.fumidai.ssh.SshAlgorithms;
import java.util.ArrayList;
import java.util.List;

/** Lists every insecure legacy algorithm, for the per-algorithm interop handshakes. */
final class InsecureLegacyTables {

    private InsecureLegacyTables() {
    }

    static List<String> all() {
        List<String> all = new ArrayList<>();
        all.addAll(SshAlgorithms.InsecureLegacy.KEX);
        all.addAll(SshAlgorithms.InsecureLegacy.HOST_KEY);
        all.addAll(SshAlgorithms.InsecureLegacy.CIPHERS);
        all.addAll(SshAlgorithms.InsecureLegacy.MACS);
        return all;
    }
}
