// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.fake;

/**
 * Sets the faults the fake service injects into every session's data channel ({@code docs/transport-ssm.md}). All fields may be
 * changed at any time from any thread; the fake reads them as it sends and receives.
 *
 * <p>Rates are probabilities in [0, 1] applied per websocket message.
 */
public final class FakeFaults {

    private volatile double dropOutbound;
    private volatile double dropInbound;
    private volatile double duplicateOutbound;
    private volatile double reorderOutbound;
    private volatile long ackDelayMillis;
    private volatile boolean withholdAcks;
    private volatile boolean refuseStreams;
    private volatile boolean withholdPongs;
    private volatile long seed = 42;

    /** Drops this share of agent-to-client messages (stream data and acks). */
    public FakeFaults dropOutbound(double rate) {
        this.dropOutbound = rate;
        return this;
    }

    /** Drops this share of client-to-agent messages before the agent sees them. */
    public FakeFaults dropInbound(double rate) {
        this.dropInbound = rate;
        return this;
    }

    /** Sends this share of agent-to-client messages twice. */
    public FakeFaults duplicateOutbound(double rate) {
        this.duplicateOutbound = rate;
        return this;
    }

    /** Holds back this share of agent-to-client messages and sends each after the next one. */
    public FakeFaults reorderOutbound(double rate) {
        this.reorderOutbound = rate;
        return this;
    }

    /** Delays every acknowledgement the agent sends. */
    public FakeFaults ackDelayMillis(long millis) {
        this.ackDelayMillis = millis;
        return this;
    }

    /** Makes the agent send no acknowledgements at all while true. */
    public FakeFaults withholdAcks(boolean withhold) {
        this.withholdAcks = withhold;
        return this;
    }

    /** Makes the agent fail every new smux stream with ConnectToPortError, as if the destination refused. */
    public FakeFaults refuseStreams(boolean refuse) {
        this.refuseStreams = refuse;
        return this;
    }

    /**
     * Makes the service answer no websocket ping while true, as a half-dead connection or a stuck relay would; a
     * client's pong deadline should then count the socket as lost.
     */
    public FakeFaults withholdPongs(boolean withhold) {
        this.withholdPongs = withhold;
        return this;
    }

    /** Sets the seed of the fault dice for sessions started afterwards. */
    public FakeFaults seed(long newSeed) {
        this.seed = newSeed;
        return this;
    }

    /** Clears every fault. */
    public FakeFaults none() {
        dropOutbound = 0;
        dropInbound = 0;
        duplicateOutbound = 0;
        reorderOutbound = 0;
        ackDelayMillis = 0;
        withholdAcks = false;
        refuseStreams = false;
        withholdPongs = false;
        return this;
    }

    double dropOutbound() {
        return dropOutbound;
    }

    double dropInbound() {
        return dropInbound;
    }

    double duplicateOutbound() {
        return duplicateOutbound;
    }

    double reorderOutbound() {
        return reorderOutbound;
    }

    long ackDelayMillis() {
        return ackDelayMillis;
    }

    boolean withholdAcks() {
        return withholdAcks;
    }

    boolean refuseStreams() {
        return refuseStreams;
    }

    boolean withholdPongs() {
        return withholdPongs;
    }

    long seed() {
        return seed;
    }
}
