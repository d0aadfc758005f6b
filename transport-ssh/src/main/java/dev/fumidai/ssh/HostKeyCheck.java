// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

import java.util.Objects;

/**
 * Carries what a {@link HostKeyVerifier} needs to decide: the name the hop is known by and the key.
 *
 * @param hostName the logical hop name (its HostKeyAlias when set), never the resolved address of a channel
 * @param port the hop's port; known_hosts uses {@code [host]:port} for ports other than 22
 * @param keyAlgorithm the negotiated host-key algorithm, e.g. {@code rsa-sha2-512} or
 *     {@code ssh-ed25519-cert-v01@openssh.com}
 * @param hostKeyBlob the key (or certificate) in SSH wire encoding, as sent in the key-exchange reply
 */
public record HostKeyCheck(String hostName, int port, String keyAlgorithm, byte[] hostKeyBlob) {

    public HostKeyCheck {
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
        hostKeyBlob = hostKeyBlob.clone();
    }

    @Override
    public byte[] hostKeyBlob() {
        return hostKeyBlob.clone();
    }
}
