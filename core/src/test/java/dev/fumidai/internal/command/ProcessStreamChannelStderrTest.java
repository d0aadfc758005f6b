// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Runs a real {@code sh -c} ProxyCommand that writes megabytes without a newline and terminal escape sequences to
 * stderr: the stderr reader must keep a bounded line (its thread allocates far less than the flood) and hand on
 * lines with control characters escaped.
 */
class ProcessStreamChannelStderrTest {

    /** Bytes the command writes to stderr before its first newline. */
    static final int FLOOD = 8 * 1024 * 1024;

    /** Returns the bytes this thread allocated so far, through the platform MBean (HotSpot's extension). */
    static long threadAllocatedBytes() {
        try {
            return (Long) ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName(ManagementFactory.THREAD_MXBEAN_NAME), "getThreadAllocatedBytes",
                    new Object[] {Thread.currentThread().getId()}, new String[] {"long"});
        } catch (Exception e) {
            throw new AssertionError("cannot read the thread's allocated bytes", e);
        }
    }

    @Test
    void aNewlineFreeFloodAndEscapeSequencesOnStderrStayBoundedAndEscaped() throws Exception {
        String script = "head -c " + FLOOD + " /dev/zero | tr '\\000' A >&2;"
                + " printf '\\n\\033]0;owned\\007\\033[2Jafter\\r\\n' >&2; printf 'tail' >&2;"
                // stderr ends first; stdout stays open a moment so that closing the channel (which closes the
                // process's pipes) cannot cut the unterminated last line off.
                + " exec 2>&-; sleep 2";
        Process p = new ProcessBuilder("sh", "-c", script).start();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        AtomicLong allocatedAtFirstLine = new AtomicLong(-1);
        CountDownLatch three = new CountDownLatch(3);
        EventLoopGroup group = new DefaultEventLoopGroup(1);
        try {
            ProcessStreamChannel ch = new ProcessStreamChannel(p, "test", line -> {
                allocatedAtFirstLine.compareAndSet(-1, threadAllocatedBytes());
                lines.add(line);
                three.countDown();
            });
            group.next().register(ch).sync();
            ch.start();
            assertTrue(three.await(60, TimeUnit.SECONDS), "stderr lines: " + lines.size());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            ch.close().sync();
        } finally {
            p.destroyForcibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        assertEquals(3, lines.size(), "the flood, the escaped line, the unterminated tail");
        long allocated = allocatedAtFirstLine.get();
        assertTrue(allocated < FLOOD / 4, "the stderr thread allocated " + allocated + " bytes reading a "
                + FLOOD + "-byte line");
        String first = lines.get(0);
        assertTrue(first.length() <= ProcessStreamChannel.MAX_STDERR_LINE + 64, "line length " + first.length());
        assertTrue(first.startsWith("AAAA"), first.substring(0, 16));
        assertTrue(first.contains("bytes cut"), first.substring(Math.max(0, first.length() - 64)));
        assertEquals("\\x1b]0;owned\\x07\\x1b[2Jafter\\x0d", lines.get(1));
        assertEquals("tail", lines.get(2));
        for (String line : lines) {
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                assertTrue(c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0), "control character " + (int) c);
            }
        }
    }

    @Test
    void escapeCoversC1BidiOverridesAndTheBackslash() {
        assertEquals("a\\\\b\\u202ec\\x9bd\\x7f", ProcessStreamChannel.escape("a\\b\u202Ec\u009Bd\u007F"));
        assertEquals("caf\u00e9 \u65e5\u672c", ProcessStreamChannel.escape("caf\u00e9 \u65e5\u672c"));
    }

    @Test
    void linesPastTheLimitAreCountedNotHandedOn() {
        List<String> got = new ArrayList<>();
        ProcessStreamChannel.StderrLines lines = new ProcessStreamChannel.StderrLines(got::add);
        byte[] many = "x\n".repeat(ProcessStreamChannel.MAX_STDERR_LINES + 5).getBytes();
        lines.feed(many, many.length);
        lines.finish();
        assertEquals(ProcessStreamChannel.MAX_STDERR_LINES, got.size());
        assertEquals(5, lines.dropped);
    }
}
