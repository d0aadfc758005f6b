// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    /** Hands out at most one byte per read, as a slow pipe might. */
    private static InputStream trickle(byte[] data) {
        return new FilterInputStream(new ByteArrayInputStream(data)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void splitsLinesSkipsOverlongOnesWithoutKeepingThemAndReportsATornEnd() throws IOException {
        String text = "abc\n\n" + "x".repeat(20) + "\n12345678\nend";
        for (InputStream in : new InputStream[] {new ByteArrayInputStream(ascii(text)), trickle(ascii(text))}) {
            try (LineReader r = new LineReader(in, 8)) {
                LineReader.Line l = r.next();
                assertArrayEquals(ascii("abc"), l.bytes());
                assertEquals(0, l.offset());
                assertTrue(l.terminated());
                l = r.next();
                assertEquals(0, l.length());
                assertEquals(4, l.offset());
                l = r.next();
                assertTrue(l.tooLong());
                assertEquals(20, l.length());
                assertEquals(5, l.offset());
                assertTrue(l.terminated());
                l = r.next();
                assertArrayEquals(ascii("12345678"), l.bytes(), "a line of exactly the cap is kept");
                l = r.next();
                assertArrayEquals(ascii("end"), l.bytes());
                assertFalse(l.terminated());
                assertEquals(35, l.offset());
                assertNull(r.next());
            }
        }
    }

    @Test
    void anOverlongLineWithoutLineEndIsTornAndNotKept() throws IOException {
        try (LineReader r = new LineReader(new ByteArrayInputStream(new byte[100_000]), 1000)) {
            LineReader.Line l = r.next();
            assertTrue(l.tooLong());
            assertFalse(l.terminated());
            assertEquals(100_000, l.length());
            assertNull(r.next());
        }
    }
}
