// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.cipher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Checks how the default cipher order follows HotSpot's AES and GHASH flags. */
class CipherOrderTest {

    private static List<String> with(Map<String, String> flags, String arch) {
        return CipherOrder.choose(name -> Optional.ofNullable(flags.get(name)), arch);
    }

    private static List<String> with(Map<String, String> flags) {
        return with(flags, "amd64");
    }

    @Test
    void aesGcmComesFirstWhenTheDiagnosticIntrinsicFlagsAreOn() {
        assertEquals(CipherOrder.AES_GCM_FIRST,
                with(Map.of("UseAESIntrinsics", "true", "UseGHASHIntrinsics", "true")));
    }

    @Test
    void theProductFlagsDecideWhenTheDiagnosticOnesAreLocked() {
        assertEquals(CipherOrder.AES_GCM_FIRST, with(Map.of("UseAES", "true", "UseCLMUL", "true")));
        assertEquals(CipherOrder.CHACHA20_FIRST, with(Map.of("UseAES", "false", "UseCLMUL", "true")));
        assertEquals(CipherOrder.CHACHA20_FIRST, with(Map.of("UseAES", "true", "UseCLMUL", "false")));
    }

    @Test
    void aReadableDiagnosticFlagWinsOverItsProductFlag() {
        // -XX:+UnlockDiagnosticVMOptions -XX:-UseAESIntrinsics leaves UseAES on.
        assertEquals(CipherOrder.CHACHA20_FIRST, with(Map.of("UseAESIntrinsics", "false", "UseGHASHIntrinsics",
                "true", "UseAES", "true", "UseCLMUL", "true")));
        assertEquals(CipherOrder.CHACHA20_FIRST, with(Map.of("UseAESIntrinsics", "true", "UseGHASHIntrinsics",
                "false", "UseAES", "true", "UseCLMUL", "true")));
    }

    @Test
    void aarch64NeedsOnlyTheAesFlag() {
        assertEquals(CipherOrder.AES_GCM_FIRST, with(Map.of("UseAES", "true"), "aarch64"));
        assertEquals(CipherOrder.CHACHA20_FIRST, with(Map.of("UseAES", "false"), "aarch64"));
        // Elsewhere an unreadable GHASH flag keeps the spec's order.
        assertEquals(CipherOrder.CHACHA20_FIRST, with(Map.of("UseAES", "true"), "amd64"));
    }

    @Test
    void unknownOrUnreadableFlagsKeepTheSpecOrder() {
        assertEquals(CipherOrder.CHACHA20_FIRST, with(Map.of()));
        assertEquals(CipherOrder.CHACHA20_FIRST, with(Map.of(), "aarch64"));
        assertEquals(CipherOrder.CHACHA20_FIRST, with(Map.of("UseAES", "yes", "UseCLMUL", "1")));
    }

    @Test
    void bothOrdersHoldTheSameCiphersAndTheSpecOrderStartsWithChacha() {
        assertEquals(new HashSet<>(CipherOrder.CHACHA20_FIRST), new HashSet<>(CipherOrder.AES_GCM_FIRST));
        assertEquals(CipherOrder.CHACHA20_FIRST.size(), CipherOrder.AES_GCM_FIRST.size());
        assertEquals(CipherAlgorithms.CHACHA20_POLY1305, CipherOrder.CHACHA20_FIRST.get(0));
        assertEquals(CipherAlgorithms.AES128_GCM, CipherOrder.AES_GCM_FIRST.get(0));
        // AES-CTR keeps its place at the end in both.
        assertEquals(CipherOrder.CHACHA20_FIRST.subList(3, 6), CipherOrder.AES_GCM_FIRST.subList(3, 6));
    }

    @Test
    void theDefaultFollowsThisJvmsFlags() {
        // The test JVM is HotSpot: UseAES is a product flag on every platform it has AES code for.
        Optional<String> aes = CipherOrder.hotSpotFlag("UseAES");
        assertTrue(aes.isPresent(), "HotSpot's UseAES flag readable");
        assertEquals(CipherOrder.choose(CipherOrder::hotSpotFlag, System.getProperty("os.arch")),
                CipherAlgorithms.DEFAULT_CIPHERS);
        if (aes.get().equals("false")) {
            assertEquals(CipherOrder.CHACHA20_FIRST, CipherAlgorithms.DEFAULT_CIPHERS);
        }
    }

    @Test
    void aFlagThisJvmLacksReadsAsEmpty() {
        assertEquals(Optional.empty(), CipherOrder.hotSpotFlag("NoSuchFlagInAnyJvm"));
    }
}
