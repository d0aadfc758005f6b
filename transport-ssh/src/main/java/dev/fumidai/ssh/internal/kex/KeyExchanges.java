// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import java.security.SecureRandom;
import org.bouncycastle.crypto.agreement.DHStandardGroups;
import org.bouncycastle.crypto.params.DHParameters;

/** Creates the {@link KeyExchange} for a negotiated method name. */
public final class KeyExchanges {

    private KeyExchanges() {
    }

    /**
     * Creates the exchange for a method of {@link KexAlgorithms#DEFAULT} or {@link KexAlgorithms#LEGACY}.
     *
     * @throws IllegalArgumentException for a name we do not implement
     */
    public static KeyExchange create(String name, ExchangeHashInput input, SecureRandom random) {
        return create(name, input, random, false);
    }

    /**
     * Creates the exchange like {@link #create(String, ExchangeHashInput, SecureRandom)}; with
     * {@code prefetchedKeys}, sntrup761 takes a key pair generated ahead of time by {@link Sntrup761KeyPairs}
     * (the transport's choice; tests that replay {@code random} keep it off).
     */
    public static KeyExchange create(String name, ExchangeHashInput input, SecureRandom random,
            boolean prefetchedKeys) {
        switch (name) {
            case KexAlgorithms.MLKEM768_X25519_SHA256:
                return new EcdhKeyExchange(input, "SHA-256",
                        new HybridKemAgreement(HybridKemAgreement.Kem.MLKEM768, random));
            case KexAlgorithms.SNTRUP761_X25519_SHA512:
            case KexAlgorithms.SNTRUP761_X25519_SHA512_OPENSSH:
                return new EcdhKeyExchange(input, "SHA-512",
                        new HybridKemAgreement(HybridKemAgreement.Kem.SNTRUP761, random, prefetchedKeys));
            case KexAlgorithms.CURVE25519_SHA256:
            case KexAlgorithms.CURVE25519_SHA256_LIBSSH:
                return new EcdhKeyExchange(input, "SHA-256", new Curve25519Agreement(random));
            case KexAlgorithms.ECDH_NISTP256:
                return new EcdhKeyExchange(input, "SHA-256", new NistEcdhAgreement("secp256r1", random));
            case KexAlgorithms.ECDH_NISTP384:
                return new EcdhKeyExchange(input, "SHA-384", new NistEcdhAgreement("secp384r1", random));
            case KexAlgorithms.ECDH_NISTP521:
                return new EcdhKeyExchange(input, "SHA-512", new NistEcdhAgreement("secp521r1", random));
            case KexAlgorithms.DH_GEX_SHA256:
                return new DhKeyExchange(input, "SHA-256", random);
            case KexAlgorithms.DH_GROUP14_SHA256:
                return fixed(input, "SHA-256", DHStandardGroups.rfc3526_2048, random);
            case KexAlgorithms.DH_GROUP16_SHA512:
                return fixed(input, "SHA-512", DHStandardGroups.rfc3526_4096, random);
            case KexAlgorithms.DH_GROUP18_SHA512:
                return fixed(input, "SHA-512", DHStandardGroups.rfc3526_8192, random);
            case KexAlgorithms.DH_GROUP14_SHA1:
                return fixed(input, "SHA-1", DHStandardGroups.rfc3526_2048, random);
            case KexAlgorithms.DH_GEX_SHA1:
                return new DhKeyExchange(input, "SHA-1", random);
            default:
                throw new IllegalArgumentException("unsupported key exchange " + name);
        }
    }

    /**
     * Returns whether the method's first message goes from the client without waiting for the server (ECDH,
     * curve25519 and the hybrids), so it can be sent as a guess with KEXINIT (RFC 4253 §7.1).
     */
    public static boolean canGuess(String name) {
        return switch (name) {
            case KexAlgorithms.MLKEM768_X25519_SHA256, KexAlgorithms.SNTRUP761_X25519_SHA512,
                    KexAlgorithms.SNTRUP761_X25519_SHA512_OPENSSH, KexAlgorithms.CURVE25519_SHA256,
                    KexAlgorithms.CURVE25519_SHA256_LIBSSH, KexAlgorithms.ECDH_NISTP256, KexAlgorithms.ECDH_NISTP384,
                    KexAlgorithms.ECDH_NISTP521 -> true;
            default -> false;
        };
    }

    private static KeyExchange fixed(ExchangeHashInput input, String hash, DHParameters group, SecureRandom random) {
        return new DhKeyExchange(input, hash, group.getP(), group.getG(), random);
    }
}
