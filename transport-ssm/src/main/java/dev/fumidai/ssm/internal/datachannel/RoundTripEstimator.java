// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

/**
 * Estimates the round-trip time and computes the retransmission timeout with the constants and formula both
 * reference ends use (SSM spec §5.5): initial RTT 100 ms, RTTVAR 0, RTO 200 ms, α = 1/8, β = 1/4, clock
 * granularity 10 ms, RTO ceiling 1 s. Samples of retransmitted messages count too (no Karn rule), as in the
 * reference ends.
 *
 * <h2>Threading</h2>
 * Not thread-safe; owned by one data channel.
 */
public final class RoundTripEstimator {

    /** Is the initial RTT estimate (§5.5). */
    public static final long INITIAL_RTT_NANOS = 100_000_000L;
    /** Is the initial RTO (§5.5). */
    public static final long INITIAL_RTO_NANOS = 200_000_000L;
    /** Is the clock granularity G of the RTO formula (§5.5). */
    public static final long CLOCK_GRANULARITY_NANOS = 10_000_000L;
    /** Is the RTO ceiling (§5.5). */
    public static final long MAX_RTO_NANOS = 1_000_000_000L;

    private double rtt = INITIAL_RTT_NANOS;
    private double rttVar;
    private long rto = INITIAL_RTO_NANOS;

    /** Feeds one sample: the time from the last send of a message to its acknowledgement. */
    public void sample(long sampleNanos) {
        double s = Math.max(0, sampleNanos);
        rttVar = 0.75 * rttVar + 0.25 * Math.abs(rtt - s);
        rtt = 0.875 * rtt + 0.125 * s;
        rto = (long) Math.min(MAX_RTO_NANOS, rtt + Math.max(CLOCK_GRANULARITY_NANOS, 4 * rttVar));
    }

    /** Returns the current retransmission timeout in nanoseconds. */
    public long rtoNanos() {
        return rto;
    }

    /** Returns the smoothed RTT in nanoseconds. */
    public long rttNanos() {
        return (long) rtt;
    }

    /** Returns the RTT variation in nanoseconds. */
    public long rttVarNanos() {
        return (long) rttVar;
    }
}
