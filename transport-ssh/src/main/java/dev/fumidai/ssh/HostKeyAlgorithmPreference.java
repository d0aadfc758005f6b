// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import java.util.List;

/**
 * Tells the transport which host-key algorithms a verifier already holds keys for, so that key exchange can
 * ask for those first, as OpenSSH orders {@code HostKeyAlgorithms} by known_hosts. Without it, a host known
 * only by its RSA key that offers Ed25519 first would fail strict verification although its RSA key is known.
 *
 * <p>Security model ({@code docs/security.md}), CVE-2020-14145: the reordering lets an observer of the key exchange tell a
 * first contact from a returning client. That matters for trust-on-first-use, where a machine in the
 * middle would then attack first contacts only; strict verifiers have no first contact to attack. The
 * transport may therefore choose to apply the preference only to verifiers that never accept new keys.
 *
 * <h2>Threading</h2>
 * Implementations are thread-safe and may read files: call off the Netty event loop.
 */
public interface HostKeyAlgorithmPreference {

    /**
     * Returns the host-key algorithms (wire names, strongest first within each key) for which keys or CAs are
     * recorded for a host, certificate algorithms first when a CA is trusted for the host; empty if none or
     * if the files cannot be read (the verifier will then refuse the key anyway).
     *
     * @param hostName the logical host name, as later passed in {@link HostKeyCheck#hostName()}
     * @param port the port; 22 looks up {@code host}, others {@code [host]:port}
     */
    List<String> preferredHostKeyAlgorithms(String hostName, int port);
}
