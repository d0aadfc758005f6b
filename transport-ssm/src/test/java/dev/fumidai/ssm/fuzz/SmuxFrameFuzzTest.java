// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fumidai.ssm.internal.mux.SmuxFrame;
import dev.fumidai.ssm.internal.mux.SmuxFrameDecoder;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Feeds an arbitrary byte stream to {@link SmuxFrameDecoder}. Input layout: byte 0 sets the read size (1 to
 * 256 bytes); the rest is the stream. Contract (the decoder has no failure: smux frames are checked by the
 * session): frames come out the same however the stream is split; the frames re-encode to exactly the bytes
 * they were cut from, and what is left over is what {@link SmuxFrameDecoder#pendingBytes} reports.
 */
class SmuxFrameFuzzTest {

    @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
    void decode(byte[] input) {
        if (input.length < 1) {
            return;
        }
        int chunk = 1 + (input[0] & 0xff);
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);
        SmuxFrameDecoder whole = new SmuxFrameDecoder();
        List<SmuxFrame> once = whole.decode(stream);
        SmuxFrameDecoder split = new SmuxFrameDecoder();
        List<SmuxFrame> pieces = new ArrayList<>();
        for (int off = 0; off < stream.length; off += chunk) {
            pieces.addAll(split.decode(stream, off, Math.min(chunk, stream.length - off)));
        }
        assertEquals(once, pieces);
        assertEquals(whole.pendingBytes(), split.pendingBytes());
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        for (SmuxFrame f : once) {
            again.writeBytes(f.encode());
        }
        byte[] encoded = again.toByteArray();
        assertEquals(stream.length, encoded.length + whole.pendingBytes());
        assertArrayEquals(Arrays.copyOf(stream, encoded.length), encoded);
    }
}
