// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh;

/**
 * Decides whether a hop's host key is the right one. Every SSH hop must have one: there is no default that
 * accepts any key.
 *
 * <p>Built-ins (known_hosts with hashed names, patterns, {@code @cert-authority} and {@code @revoked};
 * pinned fingerprints; host certificates; an explicitly named trust-on-first-use that records new keys)
 * are created by static factories on the implementing classes of this package.
 *
 * <h2>Threading</h2>
 * Implementations are thread-safe. {@link #verify} may read or write files: the transport calls it off the
 * Netty event loop.
 */
public interface HostKeyVerifier {

    /**
     * Checks the key a server presented during key exchange. The signature over the exchange hash has
     * already been verified with this key when this is called.
     *
     * @return how the key was verified
     * @throws HostKeyVerificationException if the key must not be trusted; its kind says why
     */
    HostKeyVerdict verify(HostKeyCheck check) throws HostKeyVerificationException;
}
