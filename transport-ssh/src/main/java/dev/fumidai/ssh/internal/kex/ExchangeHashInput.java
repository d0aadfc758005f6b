// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

/**
 * Holds the parts of the exchange hash that every method shares (RFC 4253 §8): both version lines without
 * CR LF and both KEXINIT payloads as sent.
 */
public record ExchangeHashInput(String clientVersion, String serverVersion, byte[] clientKexInit,
        byte[] serverKexInit) {

    public ExchangeHashInput {
        clientKexInit = clientKexInit.clone();
        serverKexInit = serverKexInit.clone();
    }

    @Override
    public byte[] clientKexInit() {
        return clientKexInit.clone();
    }

    @Override
    public byte[] serverKexInit() {
        return serverKexInit.clone();
    }
}
