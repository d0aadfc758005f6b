// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.spool;

import dev.fumidai.audit.AuditDegraded;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditGap;
import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.AuditRecovered;
import dev.fumidai.audit.AuditSink;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.audit.internal.PrivateFiles;
import dev.fumidai.audit.json.AuditJsonDecoder;
import dev.fumidai.audit.json.AuditJsonEncoder;
import dev.fumidai.audit.json.ChainStamp;
import dev.fumidai.audit.json.Redaction;
import dev.fumidai.internal.retry.Backoff;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a write-ahead file spool in front of another sink, for the {@code SPOOL} policy (audit schema §2): every
 * event is appended and forced to a local spool before {@code accept} returns, and a thread of the spool hands
 * events to the wrapped sink in order, retrying with exponential backoff and full jitter ({@link Builder#backoff})
 * while it fails.
 *
 * <h2>Promise</h2>
 * An accepted event reaches the wrapped sink at least once, across crashes and restarts of this process (on open
 * the spool resumes from the last event the wrapped sink took), unless the spool is full: then the event is dropped,
 * counted, and an {@link AuditGap} naming the lost emitter sequence numbers is spooled before the next event that
 * fits. After a crash, events the wrapped sink took just before it may be handed over again (at least once, not
 * exactly once).
 *
 * <h2>Signals</h2>
 * When the wrapped sink starts failing the spool logs a warning; once it takes an event again, the spool hands it an
 * {@link AuditDegraded} (with the time and cause of the first failure) and an {@link AuditRecovered} (with the number
 * of events dropped since the previous recovery) before the remaining spooled events, so the outage is recorded where
 * the events are.
 * These records carry the emitter id and sequence number of the event whose delivery prompted them.
 *
 * <h2>Files</h2>
 * Segments {@code spool-NNNNNN.jsonl} (events as {@link AuditJsonEncoder} JSON without redaction, one per line;
 * {@code stream_id} and {@code seq} hold the emitter id and sequence number) and {@code spool.ack} (segment and
 * offset of the next event to hand over). A new segment starts at every open and every {@code segmentBytes};
 * segments are deleted once handed over. The spool holds sensitive values unredacted, as the wrapped sink redacts;
 * except {@code command}, stored as {@value Redaction#REDACTED} unless {@link Builder#recordCommands} asks for it.
 *
 * <h2>File modes</h2>
 * Segments, {@code spool.ack} and {@code spool.lock} are created with mode {@code 0600} and the directories the
 * spool creates with {@code 0700}, exactly, whatever the process umask ({@link Builder#groupReadable}: {@code 0640}
 * and {@code 0750}). Existing spool files with more permissions are tightened on open (WARN); an existing directory
 * is left as it is (WARN if it grants more). Without POSIX permissions the platform's defaults apply.
 *
 * <h2>Threading</h2>
 * {@code accept} is thread-safe; delivery runs on one daemon thread per spool.
 */
public final class SpoolingAuditSink implements AuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolingAuditSink.class);
    private static final Pattern SEGMENT = Pattern.compile("spool-(\\d{6,})\\.jsonl");
    /** Is the fixed width of the ack record: segment (10 digits), space, offset (19 digits), newline. */
    private static final int ACK_BYTES = 31;

    private final Path directory;
    private final AuditSink delegate;
    private final long maxSpoolBytes;
    private final long segmentBytes;
    private final Backoff backoff;
    private final Clock clock;
    private final PrivateFiles files;
    private final AuditJsonEncoder encoder;
    private final Object lock = new Object();
    private final Thread drainer;
    private final FileChannel ack;
    private final FileChannel lockChannel;

    // guarded by lock
    private FileChannel writer;
    private int writeSegment;
    private long writeSize;
    private long pendingBytes;
    private long dropped;
    private long droppedUndeclared;
    private long gapFrom = -1;
    private long gapTo = -1;
    private EventHeader lastDroppedHeader;
    private boolean closed;
    private boolean halted;
    private long delivered;

    // drainer thread only
    private int readSegment;
    private long readOffset;
    private Instant failingSince;
    private String failure;
    /** The first failure's type as fixed text ({@link Reason#describe}), for the audit.degraded record. */
    private String failureDetail;
    /**
     * {@link #dropped} when the last outage ended (0 at open). Not taken when the drainer notices a failure: the
     * producer can fill the spool and drop events before the drainer's first failed hand-over, and those drops
     * belong to this outage too.
     */
    private long droppedBeforeOutage;

    private SpoolingAuditSink(Builder b) throws IOException {
        this.directory = b.directory;
        this.delegate = b.delegate;
        this.maxSpoolBytes = b.maxSpoolBytes;
        this.segmentBytes = b.segmentBytes;
        this.backoff = Backoff.fullJitter(b.initialBackoff, b.maxBackoff);
        this.clock = b.clock;
        this.files = PrivateFiles.of(b.groupReadable);
        this.encoder = new AuditJsonEncoder(Redaction.keep(), b.recordCommands);
        files.createDirectories(directory);
        // One spool per directory: two would hand the same events over twice and race on the ack.
        lockChannel = files.open(directory.resolve("spool.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        java.nio.channels.FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            lockChannel.close();
            throw new IOException("spool directory " + directory + " is in use by another spool");
        }
        ack = files.open(directory.resolve("spool.ack"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        readAck();
        List<Integer> segments = segments();
        int max = 0;
        for (int s : segments) {
            if (s < readSegment) {
                Files.deleteIfExists(segmentPath(s));
            } else {
                files.tighten(segmentPath(s));
                pendingBytes += Files.size(segmentPath(s)) - (s == readSegment ? readOffset : 0);
            }
            max = Math.max(max, s);
        }
        if (segments.stream().noneMatch(s -> s >= readSegment)) {
            readSegment = max + 1;
            readOffset = 0;
        }
        writeSegment = Math.max(max, readSegment - 1);
        openNextSegment();
        drainer = new Thread(this::drain, "fumidai-audit-spool-" + delegate.name());
        drainer.setDaemon(true);
        drainer.start();
    }

    /** Returns a builder for a spool in {@code directory} in front of {@code delegate}. */
    public static Builder builder(Path directory, AuditSink delegate) {
        return new Builder(directory, delegate);
    }

    /** Returns the wrapped sink's name: the spool is transparent in {@code stream_id}. */
    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public AuditPolicy policy() {
        return AuditPolicy.SPOOL;
    }

    /** Returns the bytes spooled and not yet handed over. */
    public long pendingBytes() {
        synchronized (lock) {
            return pendingBytes;
        }
    }

    /** Returns how many events the wrapped sink took since open. */
    public long delivered() {
        synchronized (lock) {
            return delivered;
        }
    }

    /** Returns how many events were dropped because the spool was full, since open. */
    public long dropped() {
        synchronized (lock) {
            return dropped;
        }
    }

    @Override
    public void accept(AuditEvent event) throws IOException {
        EventHeader h = event.header();
        byte[] line = toLine(event);
        synchronized (lock) {
            if (closed) {
                throw new IOException("spool of \"" + delegate.name() + "\" is closed");
            }
            if (droppedUndeclared > 0) {
                byte[] gap = toLine(new AuditGap(header(lastDroppedHeader), delegate.name(), droppedUndeclared,
                        gapFrom, gapTo));
                if (pendingBytes + gap.length + line.length <= maxSpoolBytes) {
                    append(gap);
                    droppedUndeclared = 0;
                }
            }
            if (droppedUndeclared > 0 || pendingBytes + line.length > maxSpoolBytes) {
                // Loss is unavoidable: count it; the AuditGap is spooled before the next event that fits.
                dropped++;
                if (droppedUndeclared++ == 0) {
                    gapFrom = h.emitterSeq();
                }
                gapTo = h.emitterSeq();
                lastDroppedHeader = h;
                if (dropped == 1 || dropped % 1000 == 0) {
                    LOG.warn("spool of \"{}\" is full ({} bytes): {} events dropped so far", delegate.name(),
                            maxSpoolBytes, dropped);
                }
                return;
            }
            append(line);
            lock.notifyAll();
        }
    }

    @Override
    public void flush() throws IOException {
        synchronized (lock) {
            if (writer != null) {
                writer.force(false);
            }
        }
    }

    /**
     * Waits until everything spooled was handed over or the timeout passed, then stops delivery, closes the files
     * and closes the wrapped sink. Events not yet handed over stay in the spool for the next open.
     */
    @Override
    public void close() throws IOException {
        close(Duration.ofSeconds(5));
    }

    /** Closes like {@link #close()}, waiting at most {@code drainTimeout} for delivery. */
    public void close(Duration drainTimeout) throws IOException {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            while (pendingBytes > 0 && System.nanoTime() < deadline) {
                try {
                    lock.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            halted = true;
            lock.notifyAll();
        }
        // No interrupt: it would close the ack channel under the drainer (FileChannel is interruptible). The
        // drainer sees "halted" at its next wait; a delegate blocked in accept is bounded by its own timeouts.
        try {
            drainer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            writer.force(false);
            writer.close();
            ack.close();
            lockChannel.close(); // releases the lock
        }
        delegate.close();
    }

    private byte[] toLine(AuditEvent event) {
        EventHeader h = event.header();
        byte[] json = encoder.encode(event, ChainStamp.plain(h.emitterId(), Math.max(0, h.emitterSeq())));
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }

    private EventHeader header(EventHeader like) {
        Instant now = clock.instant();
        return new EventHeader(EventHeader.newEventId(now), like.emitterId(), like.emitterSeq(), now, like.actor(),
                like.origin(), null);
    }

    private void append(byte[] line) throws IOException {
        if (writeSize > 0 && writeSize + line.length > segmentBytes) {
            writer.force(false);
            writer.close();
            openNextSegment();
        }
        ByteBuffer buf = ByteBuffer.wrap(line);
        while (buf.hasRemaining()) {
            writer.write(buf);
        }
        writer.force(false); // write-ahead: the event is on disk before accept returns
        writeSize += line.length;
        pendingBytes += line.length;
    }

    private void openNextSegment() throws IOException {
        writeSegment++;
        writer = files.open(segmentPath(writeSegment), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        writeSize = 0;
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debug("cannot force spool directory {}: {}", directory, e.toString());
        }
    }

    private Path segmentPath(int index) {
        return directory.resolve(String.format("spool-%06d.jsonl", index));
    }

    private List<Integer> segments() throws IOException {
        List<Integer> result = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
            for (Path p : ds) {
                Matcher m = SEGMENT.matcher(p.getFileName().toString());
                if (m.matches()) {
                    result.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        result.sort(null);
        return result;
    }

    private void readAck() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(ACK_BYTES);
        ack.read(buf, 0);
        String s = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
        if (s.isEmpty()) {
            readSegment = 1;
            readOffset = 0;
            return;
        }
        String[] parts = s.split(" ");
        readSegment = Integer.parseInt(parts[0]);
        readOffset = Long.parseLong(parts[1]);
    }

    private void writeAck() throws IOException {
        // Fixed width, written in place: one small write, not forced. A process crash keeps it (page cache); an OS
        // crash may roll it back, which only hands a few events over twice.
        String s = String.format("%010d %019d\n", readSegment, readOffset);
        ack.write(ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)), 0);
    }

    /** Reads the next spooled line, or returns null if there is none yet. Drainer thread only. */
    private byte @Nullable [] nextLine() throws IOException {
        while (true) {
            int current;
            synchronized (lock) {
                current = writeSegment;
            }
            Path p = segmentPath(readSegment);
            if (!Files.exists(p)) {
                if (readSegment < current) {
                    readSegment++;
                    readOffset = 0;
                    continue;
                }
                return null;
            }
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                long size = ch.size();
                if (readOffset < size) {
                    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - readOffset, 16L << 20));
                    ch.read(buf, readOffset);
                    byte[] a = buf.array();
                    for (int i = 0; i < buf.position(); i++) {
                        if (a[i] == '\n') {
                            byte[] line = new byte[i];
                            System.arraycopy(a, 0, line, 0, i);
                            return line;
                        }
                    }
                }
            }
            if (readSegment < current) {
                // The rest of an older segment without a line end is a write cut short by a crash: never accepted.
                Files.deleteIfExists(p);
                readSegment++;
                readOffset = 0;
                writeAck();
                continue;
            }
            return null;
        }
    }

    private void drain() {
        int retries = 0; // the delegate's refusals in a row, less one once it refused: the retry number for backoff
        int readRetries = 0;
        while (true) {
            byte[] line;
            try {
                synchronized (lock) {
                    if (halted) {
                        return;
                    }
                }
                line = nextLine();
                if (line == null) {
                    synchronized (lock) {
                        if (halted) {
                            return;
                        }
                        lock.wait(200);
                    }
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                LOG.error("spool of \"{}\" cannot read {}: {}", delegate.name(), segmentPath(readSegment),
                        e.toString());
                if (!sleep(backoff.delayMillis(readRetries))) {
                    return;
                }
                readRetries = Math.min(Integer.MAX_VALUE - 1, readRetries + 1);
                continue;
            }
            readRetries = 0;
            AuditEvent event;
            try {
                event = AuditJsonDecoder.decode(line);
            } catch (IOException e) {
                LOG.error("spool of \"{}\": undecodable record skipped at {}:{}: {}", delegate.name(),
                        segmentPath(readSegment), readOffset, e.getMessage());
                advance(line.length);
                continue;
            }
            try {
                if (failingSince != null) {
                    announceRecovery(event.header());
                }
                delegate.accept(event);
                advance(line.length);
                retries = 0;
            } catch (IOException | RuntimeException e) {
                if (failingSince == null) {
                    failingSince = clock.instant();
                    failure = e.toString();
                    failureDetail = Reason.describe(e);
                    LOG.warn("audit sink \"{}\" fails, spooling to {}: {}", delegate.name(), directory, failure);
                }
                if (!sleep(backoff.delayMillis(retries))) {
                    return;
                }
                retries = Math.min(Integer.MAX_VALUE - 1, retries + 1);
            }
        }
    }

    private void announceRecovery(EventHeader like) throws IOException {
        EventHeader h = header(like);
        delegate.accept(new AuditDegraded(new EventHeader(EventHeader.newEventId(failingSince), like.emitterId(),
                like.emitterSeq(), failingSince, like.actor(), like.origin(), null), delegate.name(),
                Reason.of(ReasonCode.SINK_FAILURE, failureDetail)));
        long lost;
        synchronized (lock) {
            lost = dropped - droppedBeforeOutage;
            droppedBeforeOutage = dropped;
        }
        delegate.accept(new AuditRecovered(h, delegate.name(), lost));
        LOG.info("audit sink \"{}\" works again after failing since {}", delegate.name(), failingSince);
        failingSince = null;
        failure = null;
        failureDetail = null;
    }

    private void advance(int lineLength) {
        synchronized (lock) {
            readOffset += lineLength + 1;
            pendingBytes -= lineLength + 1;
            delivered++;
            try {
                writeAck();
            } catch (IOException e) {
                LOG.warn("spool of \"{}\" cannot write its ack: {}", delegate.name(), e.toString());
            }
            lock.notifyAll();
        }
    }

    private boolean sleep(long ms) {
        synchronized (lock) {
            if (halted) {
                return false;
            }
            try {
                lock.wait(Math.max(1, ms));
            } catch (InterruptedException e) {
                return false;
            }
            return !halted;
        }
    }

    /** Configures a {@link SpoolingAuditSink}. */
    public static final class Builder {
        private final Path directory;
        private final AuditSink delegate;
        private long maxSpoolBytes = 256L << 20;
        private long segmentBytes = 8L << 20;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();
        private boolean groupReadable;
        private boolean recordCommands;

        private Builder(Path directory, AuditSink delegate) {
            this.directory = Objects.requireNonNull(directory, "directory");
            this.delegate = Objects.requireNonNull(delegate, "delegate");
        }

        /** Sets the most bytes spooled and not handed over; beyond it events are dropped and declared; 256 MiB. */
        public Builder maxSpoolBytes(long value) {
            if (value < 1) {
                throw new IllegalArgumentException("spool size must be positive");
            }
            this.maxSpoolBytes = value;
            return this;
        }

        /** Sets the size after which a new spool segment starts; default 8 MiB. */
        public Builder segmentBytes(long value) {
            if (value < 1) {
                throw new IllegalArgumentException("segment size must be positive");
            }
            this.segmentBytes = value;
            return this;
        }

        /**
         * Sets the bounds of the wait between retries of a failing sink; 100 ms and 30 s. The wait before retry
         * {@code n} (0 for the first) is "full jitter" as the AWS Architecture Blog's "Exponential Backoff And
         * Jitter" defines it: drawn uniformly from 0 to {@code min(max, initial * 2^n)} milliseconds. A {@code max}
         * beyond {@code Long.MAX_VALUE} milliseconds (such as {@code ChronoUnit.FOREVER.getDuration()}) means no cap.
         * An unreadable spool file is retried with the same waits.
         */
        public Builder backoff(Duration initial, Duration max) {
            if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff must be positive and max >= initial");
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * Lets one group read the spool: files get mode {@code 0640} and the directories the spool creates
         * {@code 0750}, instead of {@code 0600} and {@code 0700}; see "File modes" in the class comment.
         */
        public Builder groupReadable(boolean value) {
            this.groupReadable = value;
            return this;
        }

        /**
         * Sets whether the spool keeps the {@code command} of {@code exec.*} events for the wrapped sink, or stores
         * {@value Redaction#REDACTED} in its place; default {@code false}. Set it when the wrapped sink records
         * commands or their HMAC ({@code recordCommands(true)}, or an HMAC redaction): the spool then holds the
         * command line on disk until it is handed over.
         */
        public Builder recordCommands(boolean value) {
            this.recordCommands = value;
            return this;
        }

        /** Sets the clock for the records the spool writes itself. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value);
            return this;
        }

        /** Opens the spool, resuming delivery of what a previous run left. @throws IOException if it cannot */
        public SpoolingAuditSink build() throws IOException {
            return new SpoolingAuditSink(this);
        }
    }
}
