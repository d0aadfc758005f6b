// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssh.internal.kex.KexAlgorithms;
import dev.fumidai.ssh.internal.kex.KexResult;
import dev.fumidai.ssh.internal.message.KexEcdhInitMessage;
import dev.fumidai.ssh.internal.message.KexEcdhReplyMessage;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.Test;

/**
 * Checks that the shared secret K is overwritten with zeros once the transport is done with it (issue 10 item
 * 10): after the keys are derived, and also when the exchange fails because the server's signature over H does
 * not verify. The transport's package-private seam hands the test the {@link KexResult} it works on.
 */
class SharedSecretWipeTest {

    private static AtomicReference<byte[]> captureSecret(ScriptedServer s) {
        AtomicReference<byte[]> secret = new AtomicReference<>();
        s.client.pipeline().get(SshTransportHandler.class).kexResultSeamForTest = r -> secret.set(r.encodedSecret());
        return secret;
    }

    private static void assertAllZero(byte[] k) {
        assertNotNull(k, "the exchange produced no result");
        assertTrue(k.length > 4, "K has a length field and a value");
        for (int i = 0; i < k.length; i++) {
            assertEquals(0, k[i], "byte " + i + " of K is not zero");
        }
    }

    @Test
    void theSharedSecretIsWipedAfterKeyDerivation() throws Exception {
        try (ScriptedServer s = new ScriptedServer(HostilePeerTest.CONFIG)) {
            AtomicReference<byte[]> secret = captureSecret(s);
            s.handshake(true);
            assertEquals(null, s.failure(), "the handshake succeeded");
            assertAllZero(secret.get());
        }
    }

    @Test
    void theSharedSecretIsWipedWhenTheServerSignatureDoesNotVerify() throws Exception {
        try (ScriptedServer s = new ScriptedServer(HostilePeerTest.CONFIG)) {
            AtomicReference<byte[]> secret = captureSecret(s);
            s.sendVersion();
            s.sendKexInit(s.kexInit(true, false, List.of(KexAlgorithms.CURVE25519_SHA256)));
            s.strict = true;
            s.readClientKexInit();
            replyWithASignatureByAnotherKey(s);
            HostilePeerTest.assertFailed(s, "signature over the exchange hash is invalid");
            assertAllZero(secret.get());
        }
    }

    /** Answers ECDH_INIT with a well-formed reply whose signature is made by a key other than the host key. */
    private static void replyWithASignatureByAnotherKey(ScriptedServer s) throws Exception {
        ByteBuf init = s.nextFromClient();
        assertNotNull(init, "client sent no ECDH_INIT");
        byte[] qc;
        try {
            qc = KexEcdhInitMessage.decode(init).clientPublic();
        } finally {
            init.release();
        }
        byte[] priv = new byte[32];
        X25519.generatePrivateKey(s.random, priv);
        byte[] qs = new byte[32];
        X25519.generatePublicKey(priv, 0, qs, 0);
        assertEquals(32, qc.length);
        Signature sig = Signature.getInstance("Ed25519");
        sig.initSign(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
        sig.update(new byte[32]); // any H: the key is wrong anyway
        ByteBuf sb = Unpooled.buffer();
        SshWire.writeString(sb, "ssh-ed25519");
        SshWire.writeString(sb, sig.sign());
        byte[] sigBlob = ByteBufUtil.getBytes(sb);
        sb.release();
        s.send(b -> new KexEcdhReplyMessage(s.hostKeyBlob, qs, sigBlob).encode(b));
    }
}
