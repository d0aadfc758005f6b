// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import dev.fumidai.testsupport.EmbeddedBastions;
import java.io.IOException;
import java.security.PublicKey;
import java.util.Set;

/**
 * Runs one SSH bastion in this JVM for the examples' tests: the test-support artifact's embedded bastion (Apache
 * MINA SSHD on 127.0.0.1, its own ECDSA host key, the user {@code ops} with one authorized key, and a forwarding
 * filter that lets {@code direct-tcpip} reach only the listed targets, as {@code PermitOpen} does).
 */
final class EmbeddedBastion implements AutoCloseable {

    private final EmbeddedBastions.Bastion bastion;

    EmbeddedBastion(String name, PublicKey authorizedKey, Set<String> permitOpen) throws IOException {
        this.bastion = EmbeddedBastions.Bastion.start(name, "ops", authorizedKey, permitOpen);
    }

    String name() {
        return bastion.name();
    }

    /** Also lets {@code user} in with {@code password}, by password and by keyboard-interactive. */
    void allowPassword(String user, String password) {
        bastion.allowPassword(user, password);
    }

    int port() {
        return bastion.port();
    }

    /** Returns the known_hosts line for this bastion under its logical name: {@code [name]:port ecdsa-sha2-nistp256 ...}. */
    String knownHostsLine() {
        return bastion.knownHostsLine();
    }

    /**
     * Returns the known_hosts line under the name alone, {@code name ecdsa-sha2-nistp256 ...}: how OpenSSH, and this
     * library, look a host up whose ssh_config sets {@code HostKeyAlias name}, whatever its port.
     */
    String aliasKnownHostsLine() {
        String line = knownHostsLine();
        return line.substring(1, line.indexOf(']')) + line.substring(line.indexOf(' '));
    }

    /** Encodes a P-256 public key as OpenSSH writes it (RFC 5656 §3.1). */
    static String openSshPublicKey(PublicKey key) {
        return EmbeddedBastions.openSshPublicKey(key);
    }

    @Override
    public void close() throws IOException {
        bastion.close();
    }
}
