// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a JSON Lines file line by line in bounded memory: a fixed read buffer plus at most {@code maxLineBytes} for
 * the line being read. A longer line is not buffered: its bytes are counted and skipped to its line end, and it is
 * returned as {@linkplain Line#tooLong() too long}, so that a corrupt or hostile file (one line of gigabytes, no line
 * end at all) costs time, not memory.
 *
 * <h2>Threading</h2>
 * Not thread-safe; one reader per file and thread.
 */
public final class LineReader implements Closeable {

    /**
     * Is the longest record line the audit module reads (1 MiB): far above any event this library writes (a forward
     * event with two hops is 1.5 to 3 KiB); a longer line is malformed.
     */
    public static final int MAX_RECORD_BYTES = 1 << 20;

    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int limit;
    private long offset;
    private byte[] line = new byte[256];

    /** Creates a reader over {@code in}, which it closes on {@link #close()}. */
    public LineReader(InputStream in, int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("line cap must be positive");
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** Opens {@code file} for reading with the cap {@link #MAX_RECORD_BYTES}. */
    public static LineReader open(Path file) throws IOException {
        return new LineReader(Files.newInputStream(file), MAX_RECORD_BYTES);
    }

    /**
     * One line: its bytes without the line end ({@code null} if longer than the cap), its length, the byte offset
     * of its start in the file, and whether it ended with {@code \n} (the last line of a file cut short has not).
     */
    public record Line(byte[] bytes, long length, long offset, boolean terminated) {

        /** Returns whether the line was longer than the cap and therefore not kept. */
        public boolean tooLong() {
            return bytes == null;
        }
    }

    /** Returns the next line, or {@code null} at the end of the file. */
    public Line next() throws IOException {
        long start = offset;
        long length = 0;
        boolean kept = true;
        while (true) {
            if (pos == limit) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    if (length == 0) {
                        return null;
                    }
                    return new Line(kept ? Arrays.copyOf(line, (int) length) : null, length, start, false);
                }
                pos = 0;
                limit = n;
            }
            int end = pos;
            while (end < limit && buf[end] != '\n') {
                end++;
            }
            int chunk = end - pos;
            if (kept && length + chunk > maxLineBytes) {
                kept = false;
            }
            if (kept) {
                if (length + chunk > line.length) {
                    line = Arrays.copyOf(line, (int) Math.min(maxLineBytes, Math.max(line.length * 2L, length + chunk)));
                }
                System.arraycopy(buf, pos, line, (int) length, chunk);
            }
            length += chunk;
            offset += chunk;
            pos = end;
            if (end < limit) {
                pos++; // the line end
                offset++;
                byte[] bytes = kept ? Arrays.copyOf(line, (int) length) : null;
                if (line.length > 4096) {
                    line = new byte[256]; // a rare long line does not keep its buffer for the rest of the file
                }
                return new Line(bytes, length, start, true);
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
