// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BcryptPbkdfTest {

    /** OpenBSD's bcrypt_pbkdf vectors (as reproduced in RustCrypto's bcrypt-pbkdf tests); '0' stands for a NUL byte. */
    @ParameterizedTest
    @CsvSource({
        "password,salt,4,5bbf0cc293587f1c3635555c27796598d47e579071bf427e9d8fbe842aba34d9",
        "password,0,4,c12b566235eee04c212598970a579a67",
        "0,salt,4,6051be18c2f4f82cbf0efee5471b4bb9",
        "password0,salt0,4,7410e44cf4fa07bfaac8a928b1727fac001375e7bf7384370f48efd121743050",
    })
    void matchesTheOpenBsdVectors(String password, String salt, int rounds, String expected) {
        byte[] out = BcryptPbkdf.derive(bytes(password), bytes(salt), rounds, expected.length() / 2);
        assertEquals(expected, HexFormat.of().formatHex(out));
    }

    @Test
    void initialStateIsTheBlowfishPiTable() {
        int[] s = BcryptPbkdf.initialState();
        assertEquals(0x243f6a88, s[0]); // P1
        assertEquals(0x8979fb1b, s[17]); // P18
        assertEquals(0xd1310ba6, s[18]); // S1[0]
        assertEquals(0x3ac372e6, s[s.length - 1]); // S4[255]
    }

    @Test
    void rejectsParametersOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> BcryptPbkdf.derive(new byte[1], new byte[1], 0, 32));
        assertThrows(IllegalArgumentException.class, () -> BcryptPbkdf.derive(new byte[1], new byte[0], 1, 32));
        assertThrows(IllegalArgumentException.class,
                () -> BcryptPbkdf.derive(new byte[1], new byte[1], BcryptPbkdf.MAX_ROUNDS + 1, 32));
    }

    private static byte[] bytes(String s) {
        return s.replace('0', '\0').getBytes(StandardCharsets.ISO_8859_1);
    }
}
