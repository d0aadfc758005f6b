// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fumidai.ssm.internal.datachannel.ClientMessage;
import dev.fumidai.ssm.internal.datachannel.ClientMessageCodec;
import dev.fumidai.ssm.internal.datachannel.MalformedMessageException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Feeds one arbitrary WebSocket binary frame to the data channel message decoder ({@link ClientMessageCodec}),
 * from an array and from a pooled direct buffer, then its payload to the JSON parser its payload type selects
 * ({@link SsmJsonFuzzTest#parseAll}). Contract: a message or {@link MalformedMessageException}, the same from both
 * entry points, the buffer left to its owner (not released, not leaked); decode(encode(m)) == m.
 */
class SsmFrameFuzzTest {

    @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
    void decode(byte[] frame) throws Exception {
        ClientMessage fromArray;
        try {
            fromArray = ClientMessageCodec.decode(frame);
        } catch (MalformedMessageException e) {
            fromArray = null;
        }
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, frame.length)).writeBytes(frame);
        ClientMessage fromBuf;
        try {
            fromBuf = ClientMessageCodec.decode(buf);
            assertEquals(frame.length, buf.readableBytes() + buf.readerIndex());
        } catch (MalformedMessageException e) {
            fromBuf = null;
        } finally {
            assertEquals(1, buf.refCnt(), "the decoder must not release the caller's buffer");
            buf.release();
        }
        assertEquals(fromArray, fromBuf);
        if (fromArray == null) {
            return;
        }
        byte[] encoded = ClientMessageCodec.encode(fromArray);
        assertEquals(ClientMessageCodec.encodedLength(fromArray), encoded.length);
        ClientMessage again = ClientMessageCodec.decode(encoded);
        assertEquals(fromArray, again);
        assertArrayEquals(encoded, ClientMessageCodec.encode(again));
        SsmJsonFuzzTest.parseAll(fromArray.payload());
    }
}
