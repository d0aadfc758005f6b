// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssh;

import java.security.GeneralSecurityException;

/**
 * Seals one SSH packet of a 32 KiB payload and opens it again, one benchmark operation; implemented once on
 * our packet path and once on the raw primitives, so the two can be compared in the same run.
 */
interface PacketRoundTrip extends AutoCloseable {

    /** Seals and opens the next packet; returns a byte of the result so that nothing is optimised away. */
    int roundTrip() throws GeneralSecurityException;

    /**
     * Seals the first packet of a fresh instance and returns its wire bytes (length, packet, tag), so the
     * benchmark can check that both paths compute the same thing.
     */
    byte[] firstWire() throws GeneralSecurityException;

    /** Releases the buffers this round trip holds. */
    @Override
    void close();
}
