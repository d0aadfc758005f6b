// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

/**
 * Names the values of the 32-byte MessageType header field (SSM spec §4.2). Each constant is the exact wire
 * string before space padding.
 */
public final class MessageTypes {

    /** Carries client to agent stream data; sequenced and acknowledged. */
    public static final String INPUT_STREAM_DATA = "input_stream_data";
    /** Carries agent to client stream data; sequenced and acknowledged. */
    public static final String OUTPUT_STREAM_DATA = "output_stream_data";
    /** Acknowledges one sequenced message (§5.1); seq 0, flags 3, PayloadType 0. */
    public static final String ACKNOWLEDGE = "acknowledge";
    /** Tells that MGS closed the channel (§5.6); JSON payload. */
    public static final String CHANNEL_CLOSED = "channel_closed";
    /** Tells that the other end's socket connected (§5.6); payload not parsed. */
    public static final String START_PUBLICATION = "start_publication";
    /** Tells that the other end's socket went away (§5.6); payload not parsed. */
    public static final String PAUSE_PUBLICATION = "pause_publication";
    /** Sent by the agent right after it opens its channel (§4.2); clients ignore it. */
    public static final String AGENT_SESSION_STATE = "agent_session_state";

    private MessageTypes() {
    }

    /** Returns whether messages of this type carry a sequence number and expect an acknowledgement (§4.2). */
    public static boolean isSequenced(String messageType) {
        return INPUT_STREAM_DATA.equals(messageType) || OUTPUT_STREAM_DATA.equals(messageType);
    }
}
