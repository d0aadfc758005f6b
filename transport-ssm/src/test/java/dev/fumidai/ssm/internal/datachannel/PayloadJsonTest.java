// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadJsonTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parsesTheHandshakeRequestShapeOfSection62() throws Exception {
        HandshakeRequestPayload p = HandshakeRequestPayload.parse(utf8("{\"AgentVersion\":\"3.3.1142.0\","
                + "\"RequestedClientActions\":[{\"ActionType\":\"SessionType\",\"ActionParameters\":{"
                + "\"SessionType\":\"Port\",\"Properties\":{\"portNumber\":\"80\",\"type\":\"LocalPortForwarding\","
                + "\"localPortNumber\":\"0\"}}},{\"ActionType\":\"Frobnicate\",\"ActionParameters\":null}]}"));
        assertEquals("3.3.1142.0", p.agentVersion());
        assertEquals("Port", p.sessionType());
        assertEquals(Map.of("portNumber", "80", "type", "LocalPortForwarding", "localPortNumber", "0"),
                p.properties());
        assertEquals(2, p.requestedClientActions().size());
        assertEquals("Frobnicate", p.requestedClientActions().get(1).actionType());
    }

    @Test
    void writesTheHandshakeResponseAsThePluginDoes() {
        HandshakeResponsePayload p = new HandshakeResponsePayload("1.2.677.0", List.of(
                new HandshakeResponsePayload.ProcessedClientAction("SessionType", 1, null, "")), List.of());
        assertEquals("{\"ClientVersion\":\"1.2.677.0\",\"ProcessedClientActions\":[{\"ActionType\":\"SessionType\","
                + "\"ActionStatus\":1,\"ActionResult\":null,\"Error\":\"\"}],\"Errors\":null}",
                new String(p.toJson(), StandardCharsets.UTF_8));
    }

    @Test
    void parsesHandshakeCompleteAndChannelClosed() throws Exception {
        HandshakeCompletePayload c = HandshakeCompletePayload.parse(
                utf8("{\"HandshakeTimeToComplete\":12345678,\"CustomerMessage\":\"hello\"}"));
        assertEquals(12345678L, c.handshakeTimeToCompleteNanos());
        assertEquals("hello", c.customerMessage());

        ChannelClosedContent cc = ChannelClosedContent.parse(utf8("{\"MessageId\":\"m\",\"CreatedDate\":"
                + "\"2024-01-01T00:00:00Z\",\"DestinationId\":\"d\",\"SessionId\":\"s-1\",\"MessageType\":"
                + "\"channel_closed\",\"SchemaVersion\":1,\"Output\":\"Session idle timeout\"}"));
        assertEquals("s-1", cc.sessionId());
        assertEquals("Session idle timeout", cc.output());
        assertEquals(cc, ChannelClosedContent.parse(cc.toJson()));
    }

    @Test
    void rejectsMalformedJsonWithTheDocumentName() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> AcknowledgeContent.parse(utf8("{\"AcknowledgedMessageSequenceNumber\":")));
        assertTrue(e.getMessage().startsWith("acknowledge"), e.getMessage());
        e = assertThrows(MalformedMessageException.class, () -> HandshakeRequestPayload.parse(utf8("[1]")));
        assertTrue(e.getMessage().startsWith("HandshakeRequest"), e.getMessage());
        e = assertThrows(MalformedMessageException.class,
                () -> HandshakeRequestPayload.parse(utf8("{\"RequestedClientActions\":[]}")));
        assertTrue(e.getMessage().contains("AgentVersion"), e.getMessage());
        e = assertThrows(MalformedMessageException.class,
                () -> AcknowledgeContent.parse(utf8("{\"AcknowledgedMessageSequenceNumber\":\"7\"}")));
        assertTrue(e.getMessage().contains("SequenceNumber"), e.getMessage());
    }

    @Test
    void rejectsNestingBeyondTheBound() {
        String deep = "{\"a\":".repeat(Json.MAX_DEPTH + 2) + "1" + "}".repeat(Json.MAX_DEPTH + 2);
        assertThrows(MalformedMessageException.class, () -> Json.parseObject(utf8(deep), "x"));
    }
}
