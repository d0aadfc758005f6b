// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import dev.fumidai.ssh.internal.message.DisconnectMessage;
import dev.fumidai.ssh.internal.message.KexEcdhInitMessage;
import dev.fumidai.ssh.internal.message.KexEcdhReplyMessage;
import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.security.GeneralSecurityException;
import java.util.function.Consumer;

/**
 * Runs the single round trip shared by ECDH (RFC 5656 §4), curve25519 (RFC 8731) and the hybrid
 * post-quantum methods: send our public value Q_C, receive K_S, Q_S and the signature; H covers
 * {@code string Q_C, string Q_S} and K (RFC 5656 §4, draft-kampanakis-curdle-ssh-pq-ke §2.4).
 */
final class EcdhKeyExchange implements KeyExchange {

    /** Computes the client's ephemeral value and the encoded shared secret for one method. */
    interface Agreement {
        /** Returns Q_C, generating the ephemeral key pair. */
        byte[] clientPublic() throws GeneralSecurityException;

        /** Returns K encoded as for the exchange hash, or throws for an invalid server value. */
        byte[] encodedSecret(byte[] serverPublic) throws GeneralSecurityException, SshProtocolException;

        /** Forgets the ephemeral private key. */
        void destroy();
    }

    /** Set late for a guessed exchange (see {@link #exchangeHashInput}). */
    private ExchangeHashInput input;
    private final String hashAlgorithm;
    private final Agreement agreement;
    private byte[] clientPublic;

    EcdhKeyExchange(ExchangeHashInput input, String hashAlgorithm, Agreement agreement) {
        this.input = input;
        this.hashAlgorithm = hashAlgorithm;
        this.agreement = agreement;
    }

    @Override
    public void exchangeHashInput(ExchangeHashInput input) {
        this.input = input;
    }

    @Override
    public void start(ByteBufAllocator alloc, Consumer<ByteBuf> send) throws GeneralSecurityException {
        clientPublic = agreement.clientPublic();
        ByteBuf b = alloc.buffer();
        new KexEcdhInitMessage(clientPublic).encode(b);
        send.accept(b);
    }

    @Override
    public KexResult handle(ByteBuf payload, ByteBufAllocator alloc, Consumer<ByteBuf> send)
            throws SshProtocolException, GeneralSecurityException {
        if (input == null) {
            throw new IllegalStateException("guessed key exchange without its exchange hash input");
        }
        KexEcdhReplyMessage reply = KexEcdhReplyMessage.decode(payload);
        byte[] secret;
        try {
            secret = agreement.encodedSecret(reply.serverPublic());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SshProtocolException(DisconnectMessage.KEY_EXCHANGE_FAILED,
                    "invalid server public value in key exchange", e);
        } finally {
            agreement.destroy();
        }
        ExchangeHash h = new ExchangeHash(input, reply.hostKey());
        SshWire.writeString(h.buffer(), clientPublic);
        SshWire.writeString(h.buffer(), reply.serverPublic());
        byte[] hash = h.finish(hashAlgorithm, secret);
        return new KexResult(reply.hostKey(), reply.signature(), hash, secret, hashAlgorithm);
    }
}
