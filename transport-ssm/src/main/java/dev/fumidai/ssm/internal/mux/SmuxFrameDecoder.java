// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.mux;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a continuous byte stream into smux frames (SSM spec §8.4). smux frames are not aligned with
 * data-channel messages: the stream is split into Output payloads at arbitrary points, so this decoder keeps
 * at most one partial frame (at most {@value SmuxFrame#HEADER_SIZE} + {@value SmuxFrame#MAX_DATA} bytes) between
 * calls and yields the same frames however the input is split.
 *
 * <h2>Threading</h2>
 * Not thread-safe; owned by one session.
 */
public final class SmuxFrameDecoder {

    private final byte[] header = new byte[SmuxFrame.HEADER_SIZE];
    private int headerFill;
    private byte[] data;
    private int dataFill;

    /** Feeds bytes and returns every frame they complete, in order. */
    public List<SmuxFrame> decode(byte[] bytes, int offset, int length) {
        List<SmuxFrame> frames = new ArrayList<>();
        int i = offset;
        int end = offset + length;
        while (i < end) {
            if (headerFill < SmuxFrame.HEADER_SIZE) {
                int n = Math.min(SmuxFrame.HEADER_SIZE - headerFill, end - i);
                System.arraycopy(bytes, i, header, headerFill, n);
                headerFill += n;
                i += n;
                if (headerFill < SmuxFrame.HEADER_SIZE) {
                    break;
                }
                data = new byte[(header[2] & 0xff) | ((header[3] & 0xff) << 8)];
                dataFill = 0;
            }
            int n = Math.min(data.length - dataFill, end - i);
            System.arraycopy(bytes, i, data, dataFill, n);
            dataFill += n;
            i += n;
            if (dataFill == data.length) {
                long id = (header[4] & 0xffL) | ((header[5] & 0xffL) << 8) | ((header[6] & 0xffL) << 16)
                        | ((header[7] & 0xffL) << 24);
                frames.add(new SmuxFrame(header[0] & 0xff, header[1] & 0xff, id, data));
                headerFill = 0;
                data = null;
            }
        }
        return frames;
    }

    /** Feeds bytes and returns every frame they complete, in order. */
    public List<SmuxFrame> decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /** Returns how many bytes of an incomplete frame are held. */
    public int pendingBytes() {
        return headerFill + (data == null ? 0 : dataFill);
    }
}
