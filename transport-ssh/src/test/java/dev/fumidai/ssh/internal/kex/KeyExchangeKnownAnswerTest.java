// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fumidai.ssh.internal.message.KexEcdhInitMessage;
import dev.fumidai.ssh.internal.message.KexEcdhReplyMessage;
import dev.fumidai.ssh.internal.message.SshProtocolException;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.kems.MLKEMGenerator;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPublicKeyParameters;
import org.junit.jupiter.api.Test;

/**
 * Checks key exchange against known answers: X25519 with the RFC 7748 §6.1 key pairs, and the curve25519-sha256
 * shared secret, exchange hash and a 64-byte derived key computed independently by
 * {@code src/test/resources/kat/curve25519-exchange.py} (pyca/cryptography and hashlib).
 */
class KeyExchangeKnownAnswerTest {

    static final HexFormat HEX = HexFormat.of();
    static final byte[] ALICE_PRIVATE = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    static final byte[] ALICE_PUBLIC = HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    static final byte[] BOB_PUBLIC = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");

    /** Hands the JDK's X25519 key generator a fixed private scalar. */
    static final class FixedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] value;

        FixedRandom(byte[] value) {
            this.value = value.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(value, 0, bytes, 0, Math.min(bytes.length, value.length));
        }
    }

    @Test
    void x25519MatchesRfc7748() throws Exception {
        X25519Agreement x = new X25519Agreement();
        assertArrayEquals(ALICE_PUBLIC, x.generate(new FixedRandom(ALICE_PRIVATE)));
        assertEquals("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
                HEX.formatHex(x.agree(BOB_PUBLIC)));
    }

    @Test
    void x25519RefusesTheAllZeroResultAndWrongLengths() throws Exception {
        X25519Agreement x = new X25519Agreement();
        x.generate(new SecureRandom());
        assertThrows(java.security.GeneralSecurityException.class, () -> x.agree(new byte[32]));
        assertThrows(java.security.GeneralSecurityException.class, () -> x.agree(new byte[31]));
    }

    @Test
    void curve25519ExchangeHashAndKeysMatchAnIndependentComputation() throws Exception {
        byte[] ic = new byte[17];
        byte[] is = new byte[17];
        ic[0] = 20;
        is[0] = 20;
        for (int i = 0; i < 16; i++) {
            ic[1 + i] = (byte) i;
            is[1 + i] = (byte) (16 + i);
        }
        ExchangeHashInput input = new ExchangeHashInput("SSH-2.0-fumidai_test", "SSH-2.0-OpenSSH_9.2", ic, is);
        KeyExchange kex = KeyExchanges.create(KexAlgorithms.CURVE25519_SHA256, input, new FixedRandom(ALICE_PRIVATE));
        List<ByteBuf> sent = new ArrayList<>();
        kex.start(ByteBufAllocator.DEFAULT, sent::add);
        assertArrayEquals(ALICE_PUBLIC, KexEcdhInitMessage.decode(sent.get(0)).clientPublic());
        sent.get(0).release();

        ByteBuf ks = Unpooled.buffer();
        SshWire.writeString(ks, "ssh-ed25519");
        SshWire.writeString(ks, new byte[32]);
        byte[] hostKey = io.netty.buffer.ByteBufUtil.getBytes(ks);
        ks.release();
        ByteBuf reply = Unpooled.buffer();
        new KexEcdhReplyMessage(hostKey, BOB_PUBLIC, new byte[] {1}).encode(reply);
        KexResult r = kex.handle(reply, ByteBufAllocator.DEFAULT, sent::add);
        reply.release();
        assertNotNull(r);
        assertEquals("000000204a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
                HEX.formatHex(r.encodedSecret()));
        assertEquals("84ef6a9cf0d542a7ec0c8c0030bb7ca475879394f08fd85cb7f6f6803f766e2f",
                HEX.formatHex(r.exchangeHash()));
        assertEquals("623b95f5fc0fe798a477d39ffed283cd473c4c9b1c0fe24bdc977019abf3c1e2f4565840b3537e534643210f59cd18f3"
                + "41976170b2323d7b032d19fd2310e14b", HEX.formatHex(KeyDerivation.derive("SHA-256", r.encodedSecret(),
                r.exchangeHash(), 'A', r.exchangeHash(), 64)));
    }

    @Test
    void mlkemHybridAgreesWithAnIndependentEncapsulation() throws Exception {
        HybridKemAgreement client = new HybridKemAgreement(HybridKemAgreement.Kem.MLKEM768, new SecureRandom());
        byte[] qc = client.clientPublic();
        assertEquals(1184 + 32, qc.length);
        // Play the server: encapsulate to the client's ML-KEM key with BC's generator, X25519 with BC's raw API.
        MLKEMPublicKeyParameters pk = new MLKEMPublicKeyParameters(MLKEMParameters.ml_kem_768,
                java.util.Arrays.copyOf(qc, 1184));
        SecretWithEncapsulation enc = new MLKEMGenerator(new SecureRandom()).generateEncapsulated(pk);
        byte[] serverPriv = new byte[32];
        org.bouncycastle.math.ec.rfc7748.X25519.generatePrivateKey(new SecureRandom(), serverPriv);
        byte[] serverPub = new byte[32];
        org.bouncycastle.math.ec.rfc7748.X25519.generatePublicKey(serverPriv, 0, serverPub, 0);
        byte[] cl = new byte[32];
        org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(serverPriv, 0, qc, 1184, cl, 0);
        byte[] ct = enc.getEncapsulation();
        assertEquals(1088, ct.length);
        byte[] reply = java.util.Arrays.copyOf(ct, ct.length + 32);
        System.arraycopy(serverPub, 0, reply, ct.length, 32);

        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        md.update(enc.getSecret());
        md.update(cl);
        byte[] expected = md.digest();
        byte[] encoded = client.encodedSecret(reply);
        assertEquals("00000020" + HEX.formatHex(expected),
                HEX.formatHex(encoded), "K = string(SHA-256(K_PQ || K_CL))");
    }

    @Test
    void hybridReplyOfTheWrongLengthIsRefused() throws Exception {
        HybridKemAgreement client = new HybridKemAgreement(HybridKemAgreement.Kem.SNTRUP761, new SecureRandom());
        assertEquals(1158 + 32, client.clientPublic().length);
        assertThrows(java.security.GeneralSecurityException.class, () -> client.encodedSecret(new byte[100]));
    }

    @Test
    void groupExchangeRefusesAGroupSmallerThan2048Bits() throws Exception {
        ExchangeHashInput input = new ExchangeHashInput("a", "b", new byte[1], new byte[1]);
        KeyExchange kex = KeyExchanges.create(KexAlgorithms.DH_GEX_SHA256, input, new SecureRandom());
        List<ByteBuf> sent = new ArrayList<>();
        kex.start(ByteBufAllocator.DEFAULT, sent::add);
        dev.fumidai.ssh.internal.message.KexDhGexRequestMessage request =
                dev.fumidai.ssh.internal.message.KexDhGexRequestMessage.decode(sent.get(0));
        assertEquals(new dev.fumidai.ssh.internal.message.KexDhGexRequestMessage(2048, 3072, 8192), request);
        sent.forEach(ByteBuf::release);
        ByteBuf group = Unpooled.buffer();
        new dev.fumidai.ssh.internal.message.KexDhGexGroupMessage(
                org.bouncycastle.crypto.agreement.DHStandardGroups.rfc2409_1024.getP(), java.math.BigInteger.TWO)
                .encode(group);
        SshProtocolException e = assertThrows(SshProtocolException.class,
                () -> kex.handle(group, ByteBufAllocator.DEFAULT, sent::add));
        group.release();
        assertEquals("server offered a 1024-bit DH group; we accept 2048..8192", e.getMessage());
    }

    @Test
    void dhValueOutOfRangeIsRefused() throws Exception {
        ExchangeHashInput input = new ExchangeHashInput("a", "b", new byte[1], new byte[1]);
        KeyExchange kex = KeyExchanges.create(KexAlgorithms.DH_GROUP14_SHA256, input, new SecureRandom());
        List<ByteBuf> sent = new ArrayList<>();
        kex.start(ByteBufAllocator.DEFAULT, sent::add);
        sent.forEach(ByteBuf::release);
        ByteBuf reply = Unpooled.buffer();
        new dev.fumidai.ssh.internal.message.KexDhReplyMessage(new byte[1], java.math.BigInteger.ONE, new byte[1])
                .encode(reply);
        SshProtocolException e = assertThrows(SshProtocolException.class,
                () -> kex.handle(reply, ByteBufAllocator.DEFAULT, sent::add));
        reply.release();
        assertEquals("server DH value out of range", e.getMessage());
    }
}
