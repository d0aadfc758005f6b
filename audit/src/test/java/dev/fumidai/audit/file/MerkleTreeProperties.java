// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks the incremental root against the recursive definition, and every inclusion proof, for random trees. */
class MerkleTreeProperties {

    private static List<byte[]> leaves(int n, int salt) {
        List<byte[]> result = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            result.add(MerkleTree.leafHash(ByteBuffer.allocate(8).putInt(salt).putInt(i).array()));
        }
        return result;
    }

    @Test
    void accumulatorRootEqualsTheRecursiveMerkleTreeHash() {
        PropertyCheck.forAll(300, Gens.ints(0, 600), Gens.ints(),
                MerkleTreeProperties::accumulatorRootEqualsTheRecursiveMerkleTreeHash);
    }

    private static void accumulatorRootEqualsTheRecursiveMerkleTreeHash(int n, int salt) {
        List<byte[]> leaves = leaves(n, salt);
        MerkleTree.Accumulator acc = new MerkleTree.Accumulator();
        leaves.forEach(acc::add);
        assertArrayEquals(MerkleTree.root(leaves), acc.root());
    }

    @Test
    void everyInclusionProofVerifiesAndNoOtherLeafOrIndexDoes() {
        PropertyCheck.forAll(300, Gens.ints(1, 300), Gens.ints(0, 299), Gens.ints(),
                MerkleTreeProperties::everyInclusionProofVerifiesAndNoOtherLeafOrIndexDoes);
    }

    private static void everyInclusionProofVerifiesAndNoOtherLeafOrIndexDoes(int n, int index, int salt) {
        int m = index % n;
        List<byte[]> leaves = leaves(n, salt);
        byte[] root = MerkleTree.root(leaves);
        List<byte[]> proof = MerkleTree.inclusionProof(leaves, m);
        assertTrue(proof.size() <= 32 - Integer.numberOfLeadingZeros(n - 1) + 1);
        assertTrue(MerkleTree.verifyInclusion(m, n, leaves.get(m), proof, root));
        if (n > 1) {
            int other = (m + 1) % n;
            assertFalse(MerkleTree.verifyInclusion(m, n, leaves.get(other), proof, root), "another leaf");
            assertFalse(MerkleTree.verifyInclusion(other, n, leaves.get(m), proof, root), "another index");
            List<byte[]> bent = new ArrayList<>(proof);
            byte[] first = bent.get(0).clone();
            first[0] ^= 1;
            bent.set(0, first);
            assertFalse(MerkleTree.verifyInclusion(m, n, leaves.get(m), bent, root), "a changed proof hash");
        }
    }
}
