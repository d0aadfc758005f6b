// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Encodes and decodes the binary data-channel message of SSM spec §4.1.
 *
 * <p>Layout, all integers big-endian: HeaderLength (4, written as 116), MessageType (32, ASCII padded with
 * spaces), SchemaVersion (4), CreatedDate (8, epoch ms), SequenceNumber (8), Flags (8), MessageId (16, the
 * UUID's least significant 8 bytes first), PayloadDigest (32, SHA-256 of the payload), PayloadType (4),
 * PayloadLength (4), payload.
 *
 * <p>Decoding follows the reference readers: the payload is everything after {@code HeaderLength + 4}, and
 * the checks of the plugin's {@code Validate} apply (HeaderLength, MessageType and CreatedDate set, digest
 * equal), skipped for {@code start_publication} and {@code pause_publication}. Unlike the plugin, a frame too
 * short for its header or whose PayloadLength exceeds the bytes present is rejected instead of misread.
 *
 * <h2>Reference counting</h2>
 * {@link #decode(ByteBuf)} reads its argument without releasing it; {@link #encode(ClientMessage, ByteBuf)}
 * writes into a buffer the caller owns.
 *
 * <h2>Threading</h2>
 * Stateless and thread-safe.
 */
public final class ClientMessageCodec {

    /** Is the value writers put in HeaderLength: the offset of PayloadLength (§4.1). */
    public static final int HEADER_LENGTH = 116;
    /** Is the size of the fixed header including PayloadLength (§4.1). */
    public static final int HEADER_SIZE = HEADER_LENGTH + 4;
    /** Is the size of the MessageType field (§4.1). */
    public static final int MESSAGE_TYPE_SIZE = 32;
    /** Is the size of the SHA-256 PayloadDigest field (§4.1). */
    public static final int DIGEST_SIZE = 32;
    /**
     * Is the largest HeaderLength accepted. The reference writers put 116; a bigger value would only say that
     * the header grew, which no writer does, so anything beyond a small margin is treated as corruption.
     */
    public static final int MAX_HEADER_LENGTH = 1024;

    private static final MessageDigest SHA256_PROTOTYPE = newSha256();

    private ClientMessageCodec() {
    }

    /** Returns the encoded size of a message. */
    public static int encodedLength(ClientMessage message) {
        return HEADER_SIZE + message.payload().length;
    }

    /** Encodes a message into a new byte array. */
    public static byte[] encode(ClientMessage message) {
        byte[] out = new byte[encodedLength(message)];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(out);
        b.putInt(HEADER_LENGTH);
        b.put(messageTypeField(message.messageType()));
        b.putInt(message.schemaVersion());
        b.putLong(message.createdDate());
        b.putLong(message.sequenceNumber());
        b.putLong(message.flags());
        b.putLong(message.messageId().getLeastSignificantBits());
        b.putLong(message.messageId().getMostSignificantBits());
        b.put(sha256(message.payload()));
        b.putInt(message.payloadType());
        b.putInt(message.payload().length);
        b.put(message.payload());
        return out;
    }

    /** Encodes a message into the given buffer. */
    public static void encode(ClientMessage message, ByteBuf out) {
        out.writeBytes(encode(message));
    }

    /**
     * Decodes one message from the readable bytes of a buffer, which must hold exactly one frame.
     *
     * @throws MalformedMessageException naming the field when the frame breaks §4.1 or the digest differs
     */
    public static ClientMessage decode(ByteBuf frame) throws MalformedMessageException {
        byte[] bytes = ByteBufUtil.getBytes(frame);
        return decode(bytes);
    }

    /**
     * Decodes one message from a whole frame.
     *
     * @throws MalformedMessageException naming the field when the frame breaks §4.1 or the digest differs
     */
    public static ClientMessage decode(byte[] frame) throws MalformedMessageException {
        if (frame.length < HEADER_SIZE) {
            throw new MalformedMessageException("frame of " + frame.length + " bytes is shorter than the "
                    + HEADER_SIZE + "-byte header");
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(frame);
        long headerLength = b.getInt() & 0xffffffffL;
        String messageType = parseMessageType(frame);
        b.position(4 + MESSAGE_TYPE_SIZE);
        int schemaVersion = b.getInt();
        long createdDate = b.getLong();
        long sequenceNumber = b.getLong();
        long flags = b.getLong();
        long lsb = b.getLong();
        long msb = b.getLong();
        byte[] digest = new byte[DIGEST_SIZE];
        b.get(digest);
        int payloadType = b.getInt();
        long payloadLength = b.getInt() & 0xffffffffL;

        boolean publication = MessageTypes.START_PUBLICATION.equals(messageType)
                || MessageTypes.PAUSE_PUBLICATION.equals(messageType);
        boolean headerOk = headerLength >= HEADER_LENGTH && headerLength <= MAX_HEADER_LENGTH
                && headerLength + 4 <= frame.length;
        byte[] payload;
        if (headerOk) {
            payload = java.util.Arrays.copyOfRange(frame, (int) headerLength + 4, frame.length);
        } else if (publication) {
            // Neither reference end checks or parses publication messages (§4.1); keep them usable.
            payload = new byte[0];
        } else {
            throw new MalformedMessageException("HeaderLength " + headerLength + " is not in " + HEADER_LENGTH
                    + ".." + Math.min(MAX_HEADER_LENGTH, frame.length - 4) + " for a " + frame.length
                    + "-byte frame (type \"" + messageType + "\")");
        }
        if (!publication) {
            if (messageType.isEmpty()) {
                throw new MalformedMessageException("MessageType is empty");
            }
            if (createdDate == 0) {
                throw new MalformedMessageException("CreatedDate is zero (type \"" + messageType + "\")");
            }
            if (payloadLength > payload.length) {
                throw new MalformedMessageException("PayloadLength " + payloadLength + " exceeds the "
                        + payload.length + " payload bytes present (type \"" + messageType + "\")");
            }
            if ((payloadLength != 0 || payload.length != 0) && !MessageDigest.isEqual(digest, sha256(payload))) {
                throw new MalformedMessageException("PayloadDigest does not match the SHA-256 of the "
                        + payload.length + "-byte payload (type \"" + messageType + "\", seq " + sequenceNumber
                        + ")");
            }
        }
        return new ClientMessage(messageType, schemaVersion, createdDate, sequenceNumber, flags, new UUID(msb, lsb),
                payloadType, payload);
    }

    /** Returns the SHA-256 of the given bytes. */
    public static byte[] sha256(byte[] data) {
        try {
            MessageDigest md = (MessageDigest) SHA256_PROTOTYPE.clone();
            return md.digest(data);
        } catch (CloneNotSupportedException e) {
            return newSha256().digest(data);
        }
    }

    private static byte[] messageTypeField(String messageType) {
        byte[] name = messageType.getBytes(StandardCharsets.US_ASCII);
        if (name.length > MESSAGE_TYPE_SIZE) {
            throw new IllegalArgumentException("MessageType longer than " + MESSAGE_TYPE_SIZE + " bytes: "
                    + messageType);
        }
        byte[] field = new byte[MESSAGE_TYPE_SIZE];
        java.util.Arrays.fill(field, (byte) ' ');
        System.arraycopy(name, 0, field, 0, name.length);
        return field;
    }

    /** Reads the MessageType field as the reference readers do: strip NULs, then surrounding white space. */
    private static String parseMessageType(byte[] frame) throws MalformedMessageException {
        StringBuilder sb = new StringBuilder(MESSAGE_TYPE_SIZE);
        for (int i = 4; i < 4 + MESSAGE_TYPE_SIZE; i++) {
            int c = frame[i] & 0xff;
            if (c == 0) {
                continue;
            }
            if (c > 0x7e || (c < 0x20 && !Character.isWhitespace(c))) {
                throw new MalformedMessageException("MessageType holds a non-printable byte 0x"
                        + Integer.toHexString(c) + " at offset " + i);
            }
            sb.append((char) c);
        }
        return sb.toString().strip();
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
