// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checks the RFC 9162 hashing against the Certificate Transparency reference vectors (RFC 6962 hashing, which
 * RFC 9162 §2.1 keeps): the roots of the first 1..8 of eight fixed leaves.
 */
class MerkleTreeTest {

    private static final String[] LEAF_INPUTS = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"};
    private static final String[] ROOTS = {
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

    private static List<byte[]> leaves(int n) {
        List<byte[]> result = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            result.add(MerkleTree.leafHash(HexFormat.of().parseHex(LEAF_INPUTS[i])));
        }
        return result;
    }

    @Test
    void rootsMatchTheCertificateTransparencyVectors() {
        for (int n = 1; n <= 8; n++) {
            assertEquals(ROOTS[n - 1], HexFormat.of().formatHex(MerkleTree.root(leaves(n))), "tree of " + n);
            MerkleTree.Accumulator acc = new MerkleTree.Accumulator();
            leaves(n).forEach(acc::add);
            assertEquals(ROOTS[n - 1], HexFormat.of().formatHex(acc.root()), "accumulated tree of " + n);
            assertEquals(n, acc.size());
        }
    }

    @Test
    void theEmptyTreeHashesTheEmptyString() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HexFormat.of().formatHex(MerkleTree.root(List.of())));
        assertArrayEquals(MerkleTree.emptyRoot(), new MerkleTree.Accumulator().root());
    }

    @Test
    void inclusionProofsOfTheVectorTreeVerifyAndHaveTheRfcLength() {
        List<byte[]> seven = leaves(7);
        byte[] root = HexFormat.of().parseHex(ROOTS[6]);
        for (int m = 0; m < 7; m++) {
            List<byte[]> proof = MerkleTree.inclusionProof(seven, m);
            assertEquals(m == 6 ? 2 : 3, proof.size(), "PATH(" + m + ", D[7])");
            assertTrue(MerkleTree.verifyInclusion(m, 7, seven.get(m), proof, root), "leaf " + m);
            assertFalse(MerkleTree.verifyInclusion(m, 7, seven.get((m + 1) % 7), proof, root), "wrong leaf " + m);
        }
        // the tree size is part of what a proof proves where the path shape depends on it (the last leaf here)
        assertFalse(MerkleTree.verifyInclusion(6, 8, seven.get(6), MerkleTree.inclusionProof(seven, 6), root));
        assertTrue(MerkleTree.inclusionProof(leaves(1), 0).isEmpty());
        assertTrue(MerkleTree.verifyInclusion(0, 1, leaves(1).get(0), List.of(), HexFormat.of().parseHex(ROOTS[0])));
        assertFalse(MerkleTree.verifyInclusion(7, 7, seven.get(0), List.of(), root));
    }
}
