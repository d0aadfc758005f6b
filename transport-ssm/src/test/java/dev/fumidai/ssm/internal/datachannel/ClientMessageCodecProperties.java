// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fumidai.testing.Gens;
import dev.fumidai.testing.PropertyCheck;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class ClientMessageCodecProperties {

    static Gen<ClientMessage> messages() {
        Gen<String> types = Gens.of(MessageTypes.INPUT_STREAM_DATA, MessageTypes.OUTPUT_STREAM_DATA,
                MessageTypes.ACKNOWLEDGE, MessageTypes.CHANNEL_CLOSED, MessageTypes.AGENT_SESSION_STATE);
        Gen<UUID> ids = Gens.longs().zip(Gens.longs(), UUID::new);
        Gen<byte[]> payloads = Gens.bytes(0, 2048);
        // Every long but zero, by construction rather than by filtering (a filter that rejects QuickTheories'
        // first, boundary value would starve the run).
        Gen<Long> nonZero = Generate.oneOf(Gens.longs(Long.MIN_VALUE, -1), Gens.longs(1, Long.MAX_VALUE));
        // Two zips because QuickTheories combines at most five generators at once.
        return types.zip(Gens.ints(), nonZero, Gens.longs(), (type, version, created, seq) ->
                new Object[] {type, version, created, seq}).zip(Gens.longs(), ids, Gens.ints(), payloads,
                        (head, flags, id, payloadType, payload) -> new ClientMessage((String) head[0], (int) head[1],
                                (long) head[2], (long) head[3], flags, id, payloadType, payload));
    }

    @Test
    void encodeThenDecodeIsIdentity() {
        PropertyCheck.forAll(1000, messages(), ClientMessageCodecProperties::encodeThenDecodeIsIdentity);
    }

    private static void encodeThenDecodeIsIdentity(ClientMessage m) throws Exception {
        byte[] encoded = ClientMessageCodec.encode(m);
        assertEquals(ClientMessageCodec.HEADER_SIZE + m.payload().length, encoded.length);
        ClientMessage back = ClientMessageCodec.decode(encoded);
        assertEquals(m, back);
        assertArrayEquals(encoded, ClientMessageCodec.encode(back));
    }

    @Test
    void anySingleBitFlipInPayloadIsDetected() {
        PropertyCheck.forAll(1000, messages(), Gens.ints(0, 7), Gens.ints(0, 4095),
                ClientMessageCodecProperties::anySingleBitFlipInPayloadIsDetected);
    }

    private static void anySingleBitFlipInPayloadIsDetected(ClientMessage m, int bit, int where) {
        if (m.payload().length == 0) {
            return;
        }
        byte[] encoded = ClientMessageCodec.encode(m);
        int i = ClientMessageCodec.HEADER_SIZE + where % m.payload().length;
        encoded[i] ^= (byte) (1 << bit);
        assertThrows(MalformedMessageException.class, () -> ClientMessageCodec.decode(encoded));
    }

    @Test
    void decodingArbitraryBytesEitherSucceedsOrThrowsMalformed() {
        PropertyCheck.forAll(1000, Gens.bytes(0, 300),
                ClientMessageCodecProperties::decodingArbitraryBytesEitherSucceedsOrThrowsMalformed);
    }

    private static void decodingArbitraryBytesEitherSucceedsOrThrowsMalformed(byte[] junk) {
        try {
            ClientMessageCodec.decode(junk);
        } catch (MalformedMessageException expected) {
            // the only failure allowed
        }
    }

    @Test
    void acknowledgeContentRoundTrips() {
        PropertyCheck.forAll(1000, Gens.strings(), Gens.longs(), Gens.booleans(),
                ClientMessageCodecProperties::acknowledgeContentRoundTrips);
    }

    private static void acknowledgeContentRoundTrips(String type, long seq, boolean sequential) throws Exception {
        AcknowledgeContent c = new AcknowledgeContent(type, UUID.randomUUID().toString(), seq, sequential);
        assertEquals(c, AcknowledgeContent.parse(c.toJson()));
    }

    @Test
    void handshakeRequestRoundTrips() {
        PropertyCheck.forAll(1000, versions(), Gens.maps(Gens.strings(), Gens.strings(), 5),
                ClientMessageCodecProperties::handshakeRequestRoundTrips);
    }

    private static void handshakeRequestRoundTrips(String version, Map<String, String> props) throws Exception {
        HandshakeRequestPayload p = HandshakeRequestPayload.sessionType(version, "Port", Map.copyOf(props));
        HandshakeRequestPayload back = HandshakeRequestPayload.parse(p.toJson());
        assertEquals(version, back.agentVersion());
        assertEquals("Port", back.sessionType());
        assertEquals(props, back.properties());
    }

    @Test
    void handshakeResponseRoundTrips() {
        PropertyCheck.forAll(1000, versions(), Gens.ints(1, 3), Gens.strings(),
                ClientMessageCodecProperties::handshakeResponseRoundTrips);
    }

    private static void handshakeResponseRoundTrips(String version, int status, String error) throws Exception {
        HandshakeResponsePayload p = new HandshakeResponsePayload(version,
                List.of(new HandshakeResponsePayload.ProcessedClientAction("SessionType", status, null, error)),
                List.of());
        assertEquals(p, HandshakeResponsePayload.parse(p.toJson()));
    }

    static Gen<String> versions() {
        return Gens.lists(Gens.ints(0, 5000), 4)
                .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
    }
}
