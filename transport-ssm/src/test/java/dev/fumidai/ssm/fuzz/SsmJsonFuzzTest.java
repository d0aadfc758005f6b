// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fumidai.ssm.internal.datachannel.AcknowledgeContent;
import dev.fumidai.ssm.internal.datachannel.ChannelClosedContent;
import dev.fumidai.ssm.internal.datachannel.HandshakeCompletePayload;
import dev.fumidai.ssm.internal.datachannel.HandshakeRequestPayload;
import dev.fumidai.ssm.internal.datachannel.HandshakeResponsePayload;
import dev.fumidai.ssm.internal.datachannel.Json;
import dev.fumidai.ssm.internal.datachannel.MalformedMessageException;

/**
 * Feeds arbitrary bytes to every JSON payload parser of the data channel: handshake request, response and
 * complete, acknowledge and channel_closed contents, and the JSON object reader under them. Contract: a value or
 * {@link MalformedMessageException}; a parsed value's {@code toJson()} parses to an equal value (the handshake
 * request's action parameters are free-form JSON, compared as maps and lists).
 */
class SsmJsonFuzzTest {

    @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
    void parse(byte[] json) throws Exception {
        parseAll(json);
    }

    interface Parser<T> {
        T parse(byte[] json) throws MalformedMessageException;
    }

    static void parseAll(byte[] json) throws MalformedMessageException {
        try {
            Json.parseObject(json, "fuzz");
        } catch (MalformedMessageException e) {
            // the documented failure
        }
        roundTrip(json, HandshakeRequestPayload::parse, HandshakeRequestPayload::toJson);
        roundTrip(json, HandshakeResponsePayload::parse, HandshakeResponsePayload::toJson);
        roundTrip(json, HandshakeCompletePayload::parse, HandshakeCompletePayload::toJson);
        roundTrip(json, AcknowledgeContent::parse, AcknowledgeContent::toJson);
        roundTrip(json, ChannelClosedContent::parse, ChannelClosedContent::toJson);
    }

    static <T> void roundTrip(byte[] json, Parser<T> parser, java.util.function.Function<T, byte[]> writer)
            throws MalformedMessageException {
        T value;
        try {
            value = parser.parse(json);
        } catch (MalformedMessageException e) {
            return;
        }
        assertEquals(value, parser.parse(writer.apply(value)));
    }
}
