// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ClientMessageCodecTest {

    /** Is the TerminateSession flag vector of SSM spec §4.1, accepted and re-serialised by the real plugin. */
    static final String TERMINATE_VECTOR = "00000074"
            + "696e7075745f73747265616d5f64617461202020202020202020202020202020"
            + "00000001" + "0000018bcfe56800" + "0000000000000007" + "0000000000000000"
            + "8695a4b3c2d1e0f9" + "0f1e2d3c4b5a4978"
            + "433ebf5bc03dffa38536673207a21281612cef5faa9bc7a4d5b9be2fdb12cf1a"
            + "0000000a" + "00000004" + "00000002";

    static final UUID VECTOR_ID = UUID.fromString("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");

    @Test
    void encodesTheSpecVectorByteForByte() {
        ClientMessage m = new ClientMessage(MessageTypes.INPUT_STREAM_DATA, 1, 1700000000000L, 7, 0, VECTOR_ID,
                PayloadTypes.FLAG, Flag.TERMINATE_SESSION.payload());
        byte[] encoded = ClientMessageCodec.encode(m);
        assertEquals(124, encoded.length);
        assertEquals(TERMINATE_VECTOR, HexFormat.of().formatHex(encoded));
    }

    @Test
    void decodesTheSpecVector() throws Exception {
        ByteBuf buf = Unpooled.wrappedBuffer(HexFormat.of().parseHex(TERMINATE_VECTOR));
        try {
            ClientMessage m = ClientMessageCodec.decode(buf);
            assertEquals(MessageTypes.INPUT_STREAM_DATA, m.messageType());
            assertEquals(1, m.schemaVersion());
            assertEquals(1700000000000L, m.createdDate());
            assertEquals(7, m.sequenceNumber());
            assertEquals(0, m.flags());
            assertEquals(VECTOR_ID, m.messageId());
            assertEquals(PayloadTypes.FLAG, m.payloadType());
            assertEquals(Flag.TERMINATE_SESSION.code(), Flag.parseCode(m.payload()));
        } finally {
            buf.release();
        }
    }

    @Test
    void acknowledgeHasCompactJsonAndSpecHeader() throws Exception {
        ClientMessage data = new ClientMessage(MessageTypes.OUTPUT_STREAM_DATA, 1, 1700000000000L, 0, 1, VECTOR_ID,
                PayloadTypes.HANDSHAKE_REQUEST, new byte[] {'{', '}'});
        ClientMessage ack = ClientMessage.acknowledge(data, 1700000000001L);
        String json = new String(ack.payload(), StandardCharsets.UTF_8);
        assertEquals("{\"AcknowledgedMessageType\":\"output_stream_data\",\"AcknowledgedMessageId\":\""
                + VECTOR_ID + "\",\"AcknowledgedMessageSequenceNumber\":0,\"IsSequentialMessage\":true}", json);
        byte[] encoded = ClientMessageCodec.encode(ack);
        assertEquals(120 + json.length(), encoded.length);
        ClientMessage back = ClientMessageCodec.decode(encoded);
        assertEquals(ack, back);
        assertEquals(0, back.sequenceNumber());
        assertEquals(3, back.flags());
        assertEquals(0, back.payloadType());
        AcknowledgeContent content = AcknowledgeContent.parse(back.payload());
        assertEquals(0, content.sequenceNumber());
        assertEquals(VECTOR_ID.toString(), content.messageId());
    }

    @Test
    void emptyPayloadCarriesTheEmptyStringDigest() {
        ClientMessage m = new ClientMessage(MessageTypes.OUTPUT_STREAM_DATA, 1, 5, 3, 0, VECTOR_ID, 1, new byte[0]);
        byte[] encoded = ClientMessageCodec.encode(m);
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HexFormat.of().formatHex(encoded, 80, 112));
    }

    @Test
    void messageTypeIsSpacePaddedAndNulsAreStrippedOnRead() throws Exception {
        byte[] encoded = ClientMessageCodec.encode(new ClientMessage(MessageTypes.ACKNOWLEDGE, 1, 5, 0, 3, VECTOR_ID,
                0, new byte[0]));
        for (int i = 4 + MessageTypes.ACKNOWLEDGE.length(); i < 36; i++) {
            assertEquals(' ', encoded[i]);
            encoded[i] = 0;
        }
        assertEquals(MessageTypes.ACKNOWLEDGE, ClientMessageCodec.decode(encoded).messageType());
    }

    @Test
    void rejectsAWrongDigestNamingTheField() {
        byte[] frame = HexFormat.of().parseHex(TERMINATE_VECTOR);
        frame[123] = 3;
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> ClientMessageCodec.decode(frame));
        assertTrue(e.getMessage().contains("PayloadDigest"), e.getMessage());
    }

    @Test
    void rejectsShortFrames() {
        byte[] frame = HexFormat.of().parseHex(TERMINATE_VECTOR.substring(0, 2 * 119));
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> ClientMessageCodec.decode(frame));
        assertTrue(e.getMessage().contains("shorter"), e.getMessage());
    }

    @Test
    void rejectsZeroHeaderLengthAndZeroCreatedDateAndEmptyType() {
        byte[] zeroHl = HexFormat.of().parseHex(TERMINATE_VECTOR);
        zeroHl[3] = 0;
        assertTrue(assertThrows(MalformedMessageException.class, () -> ClientMessageCodec.decode(zeroHl))
                .getMessage().contains("HeaderLength"));

        byte[] zeroDate = HexFormat.of().parseHex(TERMINATE_VECTOR);
        java.util.Arrays.fill(zeroDate, 40, 48, (byte) 0);
        assertTrue(assertThrows(MalformedMessageException.class, () -> ClientMessageCodec.decode(zeroDate))
                .getMessage().contains("CreatedDate"));

        byte[] noType = HexFormat.of().parseHex(TERMINATE_VECTOR);
        java.util.Arrays.fill(noType, 4, 36, (byte) ' ');
        assertTrue(assertThrows(MalformedMessageException.class, () -> ClientMessageCodec.decode(noType))
                .getMessage().contains("MessageType is empty"));
    }

    @Test
    void rejectsHeaderLengthBeyondTheFrameAndTruncatedPayload() {
        byte[] longHl = HexFormat.of().parseHex(TERMINATE_VECTOR);
        longHl[3] = (byte) 0x79; // 121 + 4 > 124
        assertTrue(assertThrows(MalformedMessageException.class, () -> ClientMessageCodec.decode(longHl))
                .getMessage().contains("HeaderLength"));

        byte[] truncated = HexFormat.of().parseHex(TERMINATE_VECTOR);
        truncated[119] = 8; // PayloadLength 8, only 4 bytes present
        assertTrue(assertThrows(MalformedMessageException.class, () -> ClientMessageCodec.decode(truncated))
                .getMessage().contains("PayloadLength"));
    }

    @Test
    void publicationMessagesSkipAllChecks() throws Exception {
        byte[] frame = ClientMessageCodec.encode(new ClientMessage(MessageTypes.PAUSE_PUBLICATION, 1, 0, 0, 0,
                VECTOR_ID, 0, new byte[] {1, 2}));
        frame[frame.length - 1] = 9; // digest now wrong, CreatedDate zero
        ClientMessage m = ClientMessageCodec.decode(frame);
        assertEquals(MessageTypes.PAUSE_PUBLICATION, m.messageType());
    }

    @Test
    void readsPayloadAfterHeaderLengthLikeTheReferenceReaders() throws Exception {
        // A writer with a longer header: HeaderLength 120, four extra bytes before PayloadLength's successor.
        byte[] std = HexFormat.of().parseHex(TERMINATE_VECTOR);
        byte[] frame = new byte[std.length + 4];
        System.arraycopy(std, 0, frame, 0, 120);
        System.arraycopy(std, 120, frame, 124, 4);
        frame[3] = 120;
        ClientMessage m = ClientMessageCodec.decode(frame);
        assertArrayEquals(Flag.TERMINATE_SESSION.payload(), m.payload());
    }

    @Test
    void rejectsNonPrintableMessageType() {
        byte[] frame = HexFormat.of().parseHex(TERMINATE_VECTOR);
        frame[5] = (byte) 0xc3;
        assertTrue(assertThrows(MalformedMessageException.class, () -> ClientMessageCodec.decode(frame))
                .getMessage().contains("non-printable"));
    }

    @Test
    void toStringNeverShowsPayload() {
        ClientMessage m = new ClientMessage(MessageTypes.INPUT_STREAM_DATA, 1, 5, 1, 0, VECTOR_ID, 1,
                "secret-token".getBytes(StandardCharsets.UTF_8));
        assertTrue(!m.toString().contains("secret"));
    }
}
