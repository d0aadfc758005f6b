// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.file;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Computes RFC 9162 §2.1 Merkle tree hashes with SHA-256, for the optional Merkle mode of the file sink (audit
 * schema §3.3): the {@code tree_root} of a checkpoint is the Merkle Tree Hash over the records of its window
 * {@code first_seq..last_seq}, one leaf per record, so that an auditor can prove one record is covered by a signed
 * checkpoint with an inclusion proof of {@code log2(n)} hashes instead of the whole chain.
 *
 * <p>The leaf input of a record is the 32 raw bytes of its {@code hash} (the hex decoded); the record itself, with
 * its {@code prev_hash}, proves that {@code hash} (§3.1). So: leaf hash {@code SHA-256(0x00 ‖ hash)}, node hash
 * {@code SHA-256(0x01 ‖ left ‖ right)}, the tree of no leaves {@code SHA-256()} (RFC 9162 §2.1.1). Inclusion proofs
 * and their verification follow RFC 9162 §2.1.3.
 *
 * <h2>Threading</h2>
 * The static methods are safe from any thread; an {@link Accumulator} is not thread-safe.
 */
public final class MerkleTree {

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;

    private MerkleTree() {
    }

    /** Returns the leaf hash {@code SHA-256(0x00 ‖ input)} (RFC 9162 §2.1.1). */
    public static byte[] leafHash(byte[] input) {
        MessageDigest sha = ChainHash.sha256();
        sha.update(LEAF_PREFIX);
        sha.update(input);
        return sha.digest();
    }

    /** Returns the leaf hash of a record from its hex {@code hash}. */
    public static byte[] recordLeafHash(String recordHash) {
        return leafHash(HexFormat.of().parseHex(recordHash));
    }

    /** Returns the interior node hash {@code SHA-256(0x01 ‖ left ‖ right)} (RFC 9162 §2.1.1). */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest sha = ChainHash.sha256();
        sha.update(NODE_PREFIX);
        sha.update(left);
        sha.update(right);
        return sha.digest();
    }

    /** Returns the hash of the tree of no leaves, {@code SHA-256()} of the empty string. */
    public static byte[] emptyRoot() {
        return ChainHash.sha256().digest();
    }

    /** Returns the Merkle Tree Hash of the given leaf hashes (RFC 9162 §2.1.1, {@code MTH(D[n])}). */
    public static byte[] root(List<byte[]> leafHashes) {
        if (leafHashes.isEmpty()) {
            return emptyRoot();
        }
        return subtree(leafHashes, 0, leafHashes.size());
    }

    private static byte[] subtree(List<byte[]> leaves, int from, int to) {
        int n = to - from;
        if (n == 1) {
            return leaves.get(from);
        }
        int k = largestPowerOfTwoBelow(n);
        return nodeHash(subtree(leaves, from, from + k), subtree(leaves, from + k, to));
    }

    /** Returns the largest power of two smaller than {@code n}, for {@code n > 1}. */
    private static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }

    /**
     * Returns the inclusion proof of leaf {@code index} in the tree of the given leaf hashes (RFC 9162 §2.1.3.1,
     * {@code PATH(m, D[n])}), nearest the leaf first.
     *
     * @throws IndexOutOfBoundsException if {@code index} is not a leaf of the tree
     */
    public static List<byte[]> inclusionProof(List<byte[]> leafHashes, int index) {
        Objects.checkIndex(index, leafHashes.size());
        List<byte[]> path = new ArrayList<>();
        path(leafHashes, index, 0, leafHashes.size(), path);
        return path;
    }

    private static void path(List<byte[]> leaves, int m, int from, int to, List<byte[]> out) {
        int n = to - from;
        if (n == 1) {
            return;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(leaves, m, from, from + k, out);
            out.add(subtree(leaves, from + k, to));
        } else {
            path(leaves, m - k, from + k, to, out);
            out.add(subtree(leaves, from, from + k));
        }
    }

    /**
     * Returns whether {@code proof} proves that {@code leafHash} is leaf {@code index} of the tree of
     * {@code treeSize} leaves with root {@code root} (RFC 9162 §2.1.3.2).
     */
    public static boolean verifyInclusion(long index, long treeSize, byte[] leafHash, List<byte[]> proof,
            byte[] root) {
        if (index < 0 || index >= treeSize) {
            return false;
        }
        long fn = index;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(r, root);
    }

    /**
     * Computes the Merkle Tree Hash of leaves added one at a time in {@code O(log n)} memory: it keeps the roots of
     * the perfect subtrees the leaves so far decompose into (sizes the binary digits of {@code n}, largest first),
     * which is how RFC 9162 §2.1.1 splits the tree (the left subtree always holds the largest power of two below n).
     */
    public static final class Accumulator {
        private final List<byte[]> roots = new ArrayList<>();
        private final List<Long> sizes = new ArrayList<>();
        private long size;

        /** Adds the next leaf hash. */
        public void add(byte[] leafHash) {
            byte[] h = leafHash;
            long s = 1;
            while (!sizes.isEmpty() && sizes.get(sizes.size() - 1) == s) {
                int top = sizes.size() - 1;
                h = nodeHash(roots.remove(top), h);
                sizes.remove(top);
                s *= 2;
            }
            roots.add(h);
            sizes.add(s);
            size++;
        }

        /** Returns the number of leaves added. */
        public long size() {
            return size;
        }

        /** Returns the Merkle Tree Hash of the leaves added so far. */
        public byte[] root() {
            if (roots.isEmpty()) {
                return emptyRoot();
            }
            byte[] r = roots.get(roots.size() - 1);
            for (int i = roots.size() - 2; i >= 0; i--) {
                r = nodeHash(roots.get(i), r);
            }
            return r;
        }
    }
}
