// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.security.GeneralSecurityException;
import java.util.function.Consumer;

/**
 * Runs the client side of one key-exchange method (the messages 30..49 of RFC 4251 §7) and computes the
 * exchange hash. One instance serves one exchange.
 *
 * <h2>Threading</h2>
 * Event loop only.
 *
 * <h2>Reference counting</h2>
 * Buffers passed to {@code send} are owned by the receiver; the payload given to {@link #handle} is not
 * released here.
 */
public interface KeyExchange {

    /**
     * Sets the exchange hash input of an exchange created before the server's KEXINIT was known (a guessed first
     * packet, RFC 4253 §7.1); before {@link #handle}. Methods that cannot be guessed do not support it.
     */
    default void exchangeHashInput(ExchangeHashInput input) {
        throw new UnsupportedOperationException("this key exchange cannot be guessed");
    }

    /** Sends the first message of the method. */
    void start(ByteBufAllocator alloc, Consumer<ByteBuf> send) throws GeneralSecurityException;

    /**
     * Handles a method message from the server.
     *
     * @return the result once the server's reply is processed, else {@code null}
     * @throws SshProtocolException for an unexpected or malformed message or an invalid public value
     */
    KexResult handle(ByteBuf payload, ByteBufAllocator alloc, Consumer<ByteBuf> send)
            throws SshProtocolException, GeneralSecurityException;
}
