package dev.fumidai.ssm.internal.datachannel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ClientMessageCodecProperties {

    @Provide
    Arbitrary<ClientMessage> messages() {
        Arbitrary<String> types = Arbitraries.of(MessageTypes.INPUT_STREAM_DATA, MessageTypes.OUTPUT_STREAM_DATA,
                MessageTypes.ACKNOWLEDGE, MessageTypes.CHANNEL_CLOSED, MessageTypes.AGENT_SESSION_STATE);
        Arbitrary<UUID> ids = Arbitraries.longs().tuple2().map(t -> new UUID(t.get1(), t.get2()));
        Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
        return Combinators.combine(types, Arbitraries.integers(), Arbitraries.longs().filter(l -> l != 0),
                Arbitraries.longs(), Arbitraries.longs(), ids, Arbitraries.integers(), payloads)
                .as(ClientMessage::new);
    }

    @Property
    void encodeThenDecodeIsIdentity(@ForAll("messages") ClientMessage m) throws Exception {
        byte[] encoded = ClientMessageCodec.encode(m);
        assertEquals(ClientMessageCodec.HEADER_SIZE + m.payload().length, encoded.length);
        ClientMessage back = ClientMessageCodec.decode(encoded);
        assertEquals(m, back);
        assertArrayEquals(encoded, ClientMessageCodec.encode(back));
    }

    @Property
    void anySingleBitFlipInPayloadIsDetected(@ForAll("messages") ClientMessage m,
            @ForAll @IntRange(min = 0, max = 7) int bit, @ForAll @IntRange(min = 0, max = 4095) int where) {
        if (m.payload().length == 0) {
            return;
        }
        byte[] encoded = ClientMessageCodec.encode(m);
        int i = ClientMessageCodec.HEADER_SIZE + where % m.payload().length;
        encoded[i] ^= (byte) (1 << bit);
        assertThrows(MalformedMessageException.class, () -> ClientMessageCodec.decode(encoded));
    }

    @Property
    void decodingArbitraryBytesEitherSucceedsOrThrowsMalformed(@ForAll @Size(max = 300) byte[] junk) {
        try {
            ClientMessageCodec.decode(junk);
        } catch (MalformedMessageException expected) {
            // the only failure allowed
        }
    }

    @Property
    void acknowledgeContentRoundTrips(@ForAll String type, @ForAll long seq, @ForAll boolean sequential)
            throws Exception {
        AcknowledgeContent c = new AcknowledgeContent(type, UUID.randomUUID().toString(), seq, sequential);
        assertEquals(c, AcknowledgeContent.parse(c.toJson()));
    }

    @Property
    void handshakeRequestRoundTrips(@ForAll("versions") String version, @ForAll @Size(max = 5) Map<String, String> props)
            throws Exception {
        HandshakeRequestPayload p = HandshakeRequestPayload.sessionType(version, "Port", Map.copyOf(props));
        HandshakeRequestPayload back = HandshakeRequestPayload.parse(p.toJson());
        assertEquals(version, back.agentVersion());
        assertEquals("Port", back.sessionType());
        assertEquals(props, back.properties());
    }

    @Property
    void handshakeResponseRoundTrips(@ForAll("versions") String version, @ForAll @IntRange(min = 1, max = 3) int status,
            @ForAll String error) throws Exception {
        HandshakeResponsePayload p = new HandshakeResponsePayload(version,
                List.of(new HandshakeResponsePayload.ProcessedClientAction("SessionType", status, null, error)),
                List.of());
        assertEquals(p, HandshakeResponsePayload.parse(p.toJson()));
    }

    @Provide
    Arbitrary<String> versions() {
        return Arbitraries.integers().between(0, 5000).list().ofSize(4)
                .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
    }
}
