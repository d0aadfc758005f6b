// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal.command;

import dev.fumidai.spi.AbstractStreamChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a stream over a child process's stdin and stdout, as OpenSSH's {@code ProxyCommand} does. Its stderr
 * goes to the log, line by line: each line cut to {@link #MAX_STDERR_LINE} bytes while it is read (a command that
 * writes megabytes without a newline costs a fixed buffer), control characters and Unicode format characters
 * escaped (no terminal escape sequence or forged log line reaches the log), and at most {@link #MAX_STDERR_LINES}
 * lines per process; the rest is read and counted.
 *
 * <h2>Threading</h2>
 * Process pipes block, so three daemon threads per process move bytes: stdout reader, stdin writer, stderr
 * logger. They hand data to the event loop and take it from there; nothing blocks the loop.
 *
 * <h2>Back-pressure</h2>
 * The reader holds at most {@link #CREDIT} bytes that the pipeline has not consumed; the writer at most
 * {@link #CREDIT} bytes not yet written to the pipe. Past that the process (or the channel) waits.
 *
 * <h2>Closing</h2>
 * EOF from us closes the process's stdin; EOF on its stdout is the peer's EOF. Closing the channel kills the
 * process (TERM, then KILL after a grace period) and reaps it.
 */
public final class ProcessStreamChannel extends AbstractStreamChannel {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessStreamChannel.class);

    /** Bytes in flight each way between the pipes and the event loop. */
    static final int CREDIT = 256 * 1024;

    /** Bound on one stderr line as kept and logged, in bytes before escaping; the rest is read and counted. */
    static final int MAX_STDERR_LINE = 512;
    /** Bound on stderr lines logged per process; later lines are read and counted, not logged. */
    static final int MAX_STDERR_LINES = 1000;

    private static final int CHUNK = 16 * 1024;
    private static final byte[] EOF_MARK = new byte[0];
    private static final long KILL_GRACE_MS = 2000;

    private final Process process;
    private final String label;
    private final java.util.function.Consumer<String> stderrLines;
    private final Semaphore readCredit = new Semaphore(CREDIT);
    private final BlockingQueue<byte[]> toProcess = new ArrayBlockingQueue<>(CREDIT / CHUNK + 2);
    private long writeCredit = CREDIT;

    /** Wraps a started process; call {@link #start()} once the channel is registered. */
    public ProcessStreamChannel(Process process, String label) {
        this(process, label, null);
    }

    /** Wraps a started process whose stderr lines go to {@code stderrLines} instead of the log (tests). */
    ProcessStreamChannel(Process process, String label, java.util.function.Consumer<String> stderrLines) {
        super(null);
        this.process = process;
        this.label = label;
        this.stderrLines = stderrLines != null ? stderrLines
                : line -> LOG.info("{} stderr: {}", label, line);
        markActive();
    }

    /** Starts the pump threads. */
    public void start() {
        daemon("stdout", this::pumpStdout);
        daemon("stdin", this::pumpStdin);
        daemon("stderr", this::pumpStderr);
    }

    private void daemon(String what, Runnable r) {
        Thread t = new Thread(r, "fumidai-cmd-" + what + "-" + process.pid());
        t.setDaemon(true);
        t.start();
    }

    private void pumpStdout() {
        try (InputStream in = process.getInputStream()) {
            byte[] buf = new byte[CHUNK];
            for (;;) {
                readCredit.acquire(CHUNK);
                int n = in.read(buf);
                if (n < 0) {
                    readCredit.release(CHUNK);
                    break;
                }
                readCredit.release(CHUNK - n);
                ByteBuf b = Unpooled.copiedBuffer(buf, 0, n);
                if (!onLoop(() -> deliver(b))) {
                    b.release();
                    break;
                }
            }
            onLoop(this::deliverEof);
        } catch (IOException e) {
            onLoop(() -> closeWithCause(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pumpStdin() {
        try (OutputStream out = process.getOutputStream()) {
            for (;;) {
                byte[] chunk = toProcess.take();
                if (chunk == EOF_MARK) {
                    break;
                }
                out.write(chunk);
                out.flush();
                onLoop(() -> {
                    writeCredit += chunk.length;
                    resumeWrites();
                });
            }
        } catch (IOException e) {
            if (isOpen()) {
                LOG.debug("{}: writing to the process failed: {}", label, e.toString());
                onLoop(() -> closeWithCause(e));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs a task on the channel's event loop; returns false when the loop is gone (the JumpHost closed while
     * the process was still talking), in which case the pump stops.
     */
    private boolean onLoop(Runnable task) {
        try {
            eventLoop().execute(task);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    private void pumpStderr() {
        StderrLines lines = new StderrLines(stderrLines);
        try (InputStream in = process.getErrorStream()) {
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) >= 0) {
                lines.feed(buf, n);
            }
        } catch (IOException e) {
            LOG.debug("{}: stderr closed: {}", label, e.toString());
        } finally {
            lines.finish();
            if (lines.dropped > 0) {
                LOG.info("{}: {} more stderr lines not logged (limit {})", label, lines.dropped, MAX_STDERR_LINES);
            }
        }
    }

    /**
     * Splits stderr bytes into lines of at most {@link #MAX_STDERR_LINE} bytes (the rest of a longer line is counted
     * and dropped as it arrives) and hands each on escaped. One reader thread only.
     */
    static final class StderrLines {
        private final java.util.function.Consumer<String> sink;
        private final byte[] line = new byte[MAX_STDERR_LINE];
        private int length;
        private long cut;
        private boolean pending;
        private int emitted;
        long dropped;

        StderrLines(java.util.function.Consumer<String> sink) {
            this.sink = sink;
        }

        void feed(byte[] buf, int n) {
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (b == '\n') {
                    emit();
                } else if (length < line.length) {
                    line[length++] = b;
                    pending = true;
                } else {
                    cut++;
                }
            }
        }

        /** Hands on an unterminated last line. */
        void finish() {
            if (pending || cut > 0) {
                emit();
            }
        }

        private void emit() {
            if (emitted >= MAX_STDERR_LINES) {
                dropped++;
            } else {
                emitted++;
                String text = escape(new String(line, 0, length, java.nio.charset.StandardCharsets.UTF_8));
                sink.accept(cut == 0 ? text : text + "... (" + cut + " bytes cut)");
            }
            length = 0;
            cut = 0;
            pending = false;
        }
    }

    /**
     * Escapes what a terminal or log reader would act on: C0 and C1 control characters and DEL as {@code \xNN},
     * Unicode format characters (bidirectional overrides) and line separators as {@code \}{@code uNNNN}, and the
     * backslash itself.
     */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int type = Character.getType(c);
            if (c == '\\') {
                b.append("\\\\");
            } else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                b.append(String.format("\\x%02x", (int) c));
            } else if (type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    @Override
    protected int writeBytes(ByteBuf buf) {
        int n = (int) Math.min(Math.min(writeCredit, buf.readableBytes()), CHUNK);
        if (n <= 0) {
            return 0;
        }
        byte[] chunk = new byte[n];
        buf.getBytes(buf.readerIndex(), chunk);
        if (!toProcess.offer(chunk)) {
            return 0;
        }
        writeCredit -= n;
        return n;
    }

    @Override
    protected void onInboundConsumed(int bytes) {
        readCredit.release(bytes);
    }

    @Override
    protected void doSendEof() {
        if (!toProcess.offer(EOF_MARK)) {
            // The queue holds at most CREDIT bytes plus the marker slot, so this only happens if it is full of
            // unwritten chunks; then the writer will reach the marker once it drains.
            eventLoop().schedule(this::doSendEof, 10, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void doCloseStream() {
        toProcess.clear();
        toProcess.offer(EOF_MARK);
        process.destroy();
        process.onExit().orTimeout(KILL_GRACE_MS, TimeUnit.MILLISECONDS).whenComplete((p, t) -> {
            if (t != null) {
                process.destroyForcibly();
            }
        });
        // Bytes the stdout reader counted but the pipeline never read need not be returned: nothing reads again.
    }
}
