// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Describes one hop of a route ({@code hops[i]}). SSH hops fill host, address, port, host key and crypto;
 * SSM hops fill the SSM target, region and session id. Unknown facts are {@code null}.
 *
 * @param transport {@code ssh}, {@code ssm} or {@code command}
 * @param name the logical hop name (alias, or host when there is none)
 * @param host the host name as configured
 * @param address the IP actually connected, or {@code null} when not known (a hop reached through another)
 * @param port the port, 0 when not applicable
 * @param hostKey the host key, or {@code null}
 * @param ssmTarget the SSM target (instance id, ECS target), or {@code null}
 * @param region the AWS region, or {@code null}
 * @param ssmSessionId the SSM session id (joins CloudTrail), or {@code null}
 * @param crypto the negotiated algorithms, or {@code null}
 * @param remoteLogin the OS login used at this hop ({@code remote_login}, sensitive), or {@code null}
 */
public record HopInfo(String transport, String name, @Nullable String host, @Nullable String address, int port,
        @Nullable HostKeyInfo hostKey, @Nullable String ssmTarget, @Nullable String region,
        @Nullable String ssmSessionId, @Nullable CryptoInfo crypto, @Nullable String remoteLogin) {

    public HopInfo {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(name, "name");
    }

    /** Returns a hop description with only transport, name, host and port. */
    public static HopInfo basic(String transport, String name, @Nullable String host, int port) {
        return new HopInfo(transport, name, host, null, port, null, null, null, null, null, null);
    }

    /** Returns a copy with the connected address. */
    public HopInfo withAddress(String newAddress) {
        return new HopInfo(transport, name, host, newAddress, port, hostKey, ssmTarget, region, ssmSessionId, crypto,
                remoteLogin);
    }

    /** Returns a copy with the host key. */
    public HopInfo withHostKey(HostKeyInfo newHostKey) {
        return new HopInfo(transport, name, host, address, port, newHostKey, ssmTarget, region, ssmSessionId, crypto,
                remoteLogin);
    }

    /** Returns a copy with the negotiated algorithms. */
    public HopInfo withCrypto(CryptoInfo newCrypto) {
        return new HopInfo(transport, name, host, address, port, hostKey, ssmTarget, region, ssmSessionId, newCrypto,
                remoteLogin);
    }

    /** Returns a copy with the SSM session id. */
    public HopInfo withSsmSessionId(String newSessionId) {
        return new HopInfo(transport, name, host, address, port, hostKey, ssmTarget, region, newSessionId, crypto,
                remoteLogin);
    }

    /** Returns a copy with the remote login. */
    public HopInfo withRemoteLogin(String newRemoteLogin) {
        return new HopInfo(transport, name, host, address, port, hostKey, ssmTarget, region, ssmSessionId, crypto,
                newRemoteLogin);
    }
}
