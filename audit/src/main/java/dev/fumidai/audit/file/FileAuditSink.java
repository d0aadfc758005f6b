// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.file;

import dev.fumidai.audit.Actor;
import dev.fumidai.audit.AuditCheckpoint;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.AuditSink;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.Origin;
import dev.fumidai.audit.json.AuditJsonEncoder;
import dev.fumidai.audit.json.ChainStamp;
import dev.fumidai.audit.json.JsonTree;
import dev.fumidai.audit.json.Redaction;
import dev.fumidai.audit.internal.LineReader;
import dev.fumidai.audit.internal.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit events as tamper-evident JSON Lines (audit schema §3): one {@link AuditJsonEncoder} record per
 * line, each with {@code stream_id} ({@code <emitterId>/<name>}), a {@code seq} counting from 1 per stream, the
 * {@code prev_hash} of the stream's previous record and its own {@code hash} ({@link ChainHash}).
 *
 * <h2>Files</h2>
 * Segments {@code <prefix>-NNNNNN.jsonl} in one directory, numbered upwards; names sort in writing order. A new
 * segment starts at every open (a torn last line of a crashed run stays where it is, at the end of its segment),
 * when the next record would make the current one exceed {@code rotateAfterBytes}, and when the next record comes
 * after the current one is {@code rotateAfter} old. The chain goes on across segments: on open the sink reads the
 * existing segments, line by line in bounded memory (a line over {@link LineReader#MAX_RECORD_BYTES} is skipped with
 * a warning), and continues every stream from its last complete record. Retention (PCI DSS 10.5.1) is the
 * operator's: delete whole old segments, and keep the checkpoints that cover what remains. One sink at a time
 * writes a directory and prefix: a second, in this process or another, fails to open (an OS file lock on
 * {@code .<prefix>.lock}).
 *
 * <h2>Commands</h2>
 * The {@code command} of {@code exec.*} events is written as {@value Redaction#REDACTED} (or its HMAC under
 * {@link Redaction#hmacSha256}) unless {@link Builder#recordCommands} asks for it.
 *
 * <h2>File modes</h2>
 * Segments and the lock file are created with mode {@code 0600}, and the directories the sink creates (the
 * directory and its missing parents) with {@code 0700}, set exactly whatever the process umask; {@link
 * Builder#groupReadable} makes them {@code 0640} and {@code 0750}. On open, existing segments and the lock file with
 * more permissions are tightened (logged at WARN); an existing directory that grants more is left as it is, since
 * the operator may share it on purpose, and logged at WARN. On file systems without POSIX permissions the
 * platform's defaults apply (on Windows the parent directory's ACL): keep that directory private.
 *
 * <h2>Checkpoints</h2>
 * With a signing key, the sink sends a signed {@link AuditCheckpoint} ({@link Checkpoints}) over each stream's chain
 * head to a second sink of the caller's choice (anchoring, PCI DSS 10.3.3): when a stream first appears after open,
 * after every {@code checkpointEvery} records, every {@code checkpointInterval} when records were added, and on
 * close. A checkpoint the second sink refuses is logged and tried again at the next opportunity; the event that
 * prompted it is still accepted. The caller closes the second sink after this one. In Merkle mode
 * ({@link Builder#merkleTree}) each checkpoint also signs the RFC 9162 tree root over the records since the previous
 * accepted checkpoint of the stream ({@link MerkleTree}); after a restart, the first covers the stream from seq 1.
 *
 * <h2>Durability</h2>
 * As the {@link Durability} setting says; {@code accept} returns once that promise holds for the event.
 *
 * <h2>Threading</h2>
 * Thread-safe: several {@code JumpHost}s may share one sink; each gets its own stream. Calls are serialised.
 *
 * <h2>Failure</h2>
 * {@code accept} throws {@link IOException} when the record could not be written and forced as promised; the stream
 * does not advance, and the next record goes to a fresh segment, so a partly written line stays a torn line.
 */
public final class FileAuditSink implements AuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(FileAuditSink.class);

    /** Is the actor of checkpoint records: the sink itself. */
    static final Actor SINK_ACTOR = Actor.of("service:fumidai-audit");

    private final Path directory;
    private final String name;
    private final String prefix;
    private final AuditPolicy policy;
    private final Durability durability;
    private final int batchSize;
    private final long rotateAfterBytes;
    private final Duration rotateAfter;
    private final PrivateKey signingKey;
    private final String keyId;
    private final AuditSink checkpointSink;
    private final int checkpointEvery;
    private final boolean merkle;
    private final Clock clock;
    private final AuditJsonEncoder encoder;
    private final Pattern segmentPattern;
    private final PrivateFiles files;
    private final Map<String, StreamState> streams = new LinkedHashMap<>();
    private final ScheduledExecutorService timer;

    private final FileChannel lockChannel;
    private final java.nio.channels.FileLock lock;
    private FileChannel channel;
    private Path segment;
    private int segmentIndex;
    private long segmentSize;
    private Instant segmentOpenedAt;
    private boolean segmentBroken;
    private int unforced;
    private long checkpointCounter;
    private boolean closed;

    private FileAuditSink(Builder b) throws IOException {
        this.directory = b.directory;
        this.name = b.name;
        this.prefix = b.prefix;
        this.policy = b.policy;
        this.durability = b.durability;
        this.batchSize = b.batchSize;
        this.rotateAfterBytes = b.rotateAfterBytes;
        this.rotateAfter = b.rotateAfter;
        this.signingKey = b.signingKey;
        this.keyId = b.keyId;
        this.checkpointSink = b.checkpointSink;
        this.checkpointEvery = b.checkpointEvery;
        this.merkle = b.merkle;
        this.clock = b.clock;
        this.encoder = new AuditJsonEncoder(b.redaction, b.recordCommands);
        this.segmentPattern = Pattern.compile(Pattern.quote(prefix) + "-(\\d{6,})\\.jsonl");
        this.files = PrivateFiles.of(b.groupReadable);
        files.createDirectories(directory);
        // One writer per directory and prefix: two would fork the chains. The OS lock dies with the process.
        lockChannel = files.open(directory.resolve("." + prefix + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lockChannel.close();
            throw new IOException("audit directory " + directory + " (" + prefix + ") is in use by another sink");
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("audit directory " + directory + " (" + prefix + ") is in use by another process");
        }
        try {
            resume();
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
        if (signingKey != null && b.checkpointInterval != null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "fumidai-audit-checkpoint-" + name);
                t.setDaemon(true);
                return t;
            });
            long ms = b.checkpointInterval.toMillis();
            timer.scheduleWithFixedDelay(this::timedCheckpoints, ms, ms, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    /** Returns a builder for a sink writing into {@code directory} (created if missing). */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AuditPolicy policy() {
        return policy;
    }

    /** Returns the segment being written, or {@code null} before the first record. */
    public synchronized @Nullable Path currentSegment() {
        return segment;
    }

    /** Returns the segments of this sink's directory in writing order. */
    public List<Path> segments() throws IOException {
        return listSegments(directory, segmentPattern);
    }

    @Override
    public synchronized void accept(AuditEvent event) throws IOException {
        if (closed) {
            throw new IOException("audit sink \"" + name + "\" is closed");
        }
        EventHeader h = event.header();
        String streamId = h.emitterId() + "/" + name;
        StreamState st = streams.computeIfAbsent(streamId, this::newStream);
        st.emitterId = h.emitterId();
        st.origin = h.origin();
        if (!st.announced) {
            st.announced = true;
            checkpoint(st);
        }
        long seq = st.seq + 1;
        ChainStamp stamp = new ChainStamp(streamId, seq, st.head, null);
        byte[] unhashed = encoder.encode(event, stamp);
        String hash = ChainHash.compute(st.head, JsonTree.parseObject(unhashed, 0, unhashed.length));
        // The encoder writes "hash" as the last member and no whitespace, so the hashed record is the unhashed one
        // with ,"hash":"<hex>" before its closing brace: no second encoding needed.
        byte[] tail = (",\"hash\":\"" + hash + "\"}\n").getBytes(StandardCharsets.US_ASCII);
        byte[] line = new byte[unhashed.length - 1 + tail.length];
        System.arraycopy(unhashed, 0, line, 0, unhashed.length - 1);
        System.arraycopy(tail, 0, line, unhashed.length - 1, tail.length);

        rotateIfNeeded(line.length);
        try {
            writeFully(line);
            if (durability == Durability.FSYNC_EACH_EVENT
                    || (durability == Durability.FSYNC_EACH_BATCH && ++unforced >= batchSize)) {
                force();
            }
        } catch (IOException e) {
            segmentBroken = true;
            throw new IOException("audit sink \"" + name + "\" could not write " + streamId + " seq " + seq + " to "
                    + segment + ": " + e.getMessage(), e);
        }
        st.seq = seq;
        st.head = hash;
        if (st.window != null) {
            st.window.add(MerkleTree.recordLeafHash(hash));
        }
        if (checkpointEvery > 0 && st.seq - st.checkpointedSeq >= checkpointEvery) {
            checkpoint(st);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        if (channel != null && !segmentBroken) {
            force();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (timer != null) {
            timer.shutdownNow();
        }
        IOException failure = null;
        try {
            if (channel != null && !segmentBroken) {
                force(); // before the closing checkpoints, which must never cover records not yet on disk
            }
        } catch (IOException e) {
            failure = e;
        }
        if (failure == null) {
            for (StreamState st : streams.values()) {
                if (st.announced && !checkpoint(st) && failure == null) {
                    failure = new IOException("audit sink \"" + name + "\": closing checkpoint of " + st.streamId
                            + " was not accepted by " + checkpointSink.name());
                }
            }
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
            channel = null;
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void timedCheckpoints() {
        synchronized (this) {
            if (closed) {
                return;
            }
            for (StreamState st : streams.values()) {
                if (st.seq > st.checkpointedSeq) {
                    checkpoint(st);
                }
            }
        }
    }

    /** Sends a signed checkpoint over the stream's head; returns whether it was accepted (true if no key). */
    private boolean checkpoint(StreamState st) {
        if (signingKey == null) {
            return true;
        }
        try {
            if (durability == Durability.FSYNC_EACH_BATCH && channel != null && !segmentBroken) {
                force(); // a checkpoint never covers records an OS crash could still take
            }
            long last = st.seq;
            long first = last > st.checkpointedSeq ? st.checkpointedSeq + 1 : last;
            Instant now = clock.instant();
            String time = AuditJsonEncoder.formatTime(now);
            String treeRoot = st.window == null ? null : HexFormat.of().formatHex(st.window.root());
            String signature = Checkpoints.sign(signingKey,
                    Checkpoints.signedBytes(st.streamId, first, last, st.head, treeRoot, keyId, time));
            Origin origin = st.origin;
            EventHeader header = new EventHeader(EventHeader.newEventId(now), st.emitterId, ++checkpointCounter,
                    Instant.parse(time), SINK_ACTOR, origin, null);
            checkpointSink.accept(new AuditCheckpoint(header, st.streamId, first, last, st.head, treeRoot, keyId,
                    signature));
            st.checkpointedSeq = last;
            if (st.window != null) {
                st.window = new MerkleTree.Accumulator();
            }
            return true;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.warn("audit sink \"{}\": checkpoint of {} at seq {} not accepted by \"{}\", will retry: {}", name,
                    st.streamId, st.seq, checkpointSink.name(), e.toString());
            return false;
        }
    }

    private void rotateIfNeeded(int nextLength) throws IOException {
        boolean rotate = channel == null || segmentBroken
                || (segmentSize > 0 && segmentSize + nextLength > rotateAfterBytes)
                || (segmentSize > 0 && rotateAfter != null
                        && !clock.instant().isBefore(segmentOpenedAt.plus(rotateAfter)));
        if (!rotate) {
            return;
        }
        if (channel != null) {
            try {
                if (!segmentBroken) {
                    force();
                }
            } finally {
                channel.close();
                channel = null;
            }
        }
        segmentIndex++;
        segment = directory.resolve(String.format("%s-%06d.jsonl", prefix, segmentIndex));
        channel = files.open(segment, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        segmentSize = 0;
        segmentOpenedAt = clock.instant();
        segmentBroken = false;
        unforced = 0;
        if (durability != Durability.NONE) {
            forceDirectory();
        }
        LOG.debug("audit sink \"{}\": writing {}", name, segment);
    }

    private void writeFully(byte[] line) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(line);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        segmentSize += line.length;
    }

    private void force() throws IOException {
        channel.force(false);
        unforced = 0;
    }

    private void forceDirectory() {
        // Makes the new segment's directory entry durable (POSIX: fsync the directory). Not every platform can
        // open a directory for reading; there it is skipped, and the javadoc promise is as strong as the OS allows.
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debug("audit sink \"{}\": cannot force directory {}: {}", name, directory, e.toString());
        }
    }

    private StreamState newStream(String streamId) {
        StreamState st = new StreamState(streamId, 0, ChainHash.GENESIS);
        st.window = merkle && signingKey != null ? new MerkleTree.Accumulator() : null;
        return st;
    }

    /** Reads existing segments to continue every stream's chain and to number the next segment. */
    private void resume() throws IOException {
        for (Path p : listSegments(directory, segmentPattern)) {
            Matcher m = segmentPattern.matcher(p.getFileName().toString());
            if (m.matches()) {
                segmentIndex = Math.max(segmentIndex, Integer.parseInt(m.group(1)));
            }
            files.tighten(p);
            resume(p);
        }
    }

    /**
     * Reads one segment line by line: a line holds at most {@link LineReader#MAX_RECORD_BYTES} in memory, a longer
     * one is skipped (the verifier reports it as malformed), and the last line without a line end is a torn write.
     */
    private void resume(Path p) throws IOException {
        try (LineReader reader = LineReader.open(p)) {
            for (LineReader.Line line = reader.next(); line != null; line = reader.next()) {
                if (!line.terminated()) {
                    break; // a write cut short by a crash; the new segment starts clean
                }
                if (line.tooLong()) {
                    LOG.warn("audit sink \"{}\": line of {} bytes in {} at byte {} is longer than {}; skipped, the"
                            + " verifier will report it", name, line.length(), p, line.offset(),
                            LineReader.MAX_RECORD_BYTES);
                    continue;
                }
                long start = line.offset();
                byte[] bytes = line.bytes();
                try {
                    Map<String, Object> rec = JsonTree.parseObject(bytes, 0, bytes.length);
                    String streamId = JsonTree.string(rec, "stream_id");
                    Long seq = JsonTree.integer(rec, "seq");
                    String hash = JsonTree.string(rec, "hash");
                    if (streamId != null && seq != null && hash != null) {
                        StreamState st = streams.computeIfAbsent(streamId, this::newStream);
                        st.seq = seq;
                        st.head = hash;
                        if (st.window != null) {
                            // the first checkpoint after a restart covers the stream from seq 1, tree included
                            st.window.add(MerkleTree.recordLeafHash(hash));
                        }
                    }
                } catch (IOException e) {
                    LOG.warn("audit sink \"{}\": unreadable line in {} at byte {}; the verifier will report it", name,
                            p, start);
                }
            }
        }
    }

    static List<Path> listSegments(Path directory, Pattern pattern) throws IOException {
        List<Path> result = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return result;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
            for (Path p : ds) {
                if (pattern.matcher(p.getFileName().toString()).matches()) {
                    result.add(p);
                }
            }
        }
        result.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return result;
    }

    private static final class StreamState {
        final String streamId;
        long seq;
        String head;
        long checkpointedSeq;
        boolean announced;
        String emitterId;
        Origin origin;
        /** The records since the last accepted checkpoint, in Merkle mode; null otherwise. */
        MerkleTree.Accumulator window;

        StreamState(String streamId, long seq, String head) {
            this.streamId = streamId;
            this.seq = seq;
            this.head = head;
        }
    }

    /** Configures a {@link FileAuditSink}; every setting has a default except the directory. */
    public static final class Builder {
        private final Path directory;
        private String name = "file";
        private String prefix = "audit";
        private AuditPolicy policy = AuditPolicy.FAIL_CLOSED;
        private Durability durability = Durability.FSYNC_EACH_EVENT;
        private int batchSize = 64;
        private long rotateAfterBytes = 64L << 20;
        private Duration rotateAfter = Duration.ofDays(1);
        private Redaction redaction = Redaction.keep();
        private PrivateKey signingKey;
        private String keyId;
        private AuditSink checkpointSink;
        private int checkpointEvery = 1000;
        private boolean merkle;
        private boolean groupReadable;
        private boolean recordCommands;
        private Duration checkpointInterval = Duration.ofMinutes(1);
        private Clock clock = Clock.systemUTC();

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** Sets the sink name, the second half of {@code stream_id}; default {@code file}. */
        public Builder name(String value) {
            if (value.isBlank() || value.contains("/")) {
                throw new IllegalArgumentException("sink name must be non-blank and without '/': " + value);
            }
            this.name = value;
            return this;
        }

        /** Sets the segment file prefix; default {@code audit}. */
        public Builder filePrefix(String value) {
            if (value.isBlank() || value.contains("/")) {
                throw new IllegalArgumentException("bad file prefix: " + value);
            }
            this.prefix = value;
            return this;
        }

        /** Sets the policy the dispatcher applies while this sink fails; default {@code FAIL_CLOSED}. */
        public Builder policy(AuditPolicy value) {
            this.policy = Objects.requireNonNull(value);
            return this;
        }

        /** Sets when records are forced to storage; default {@link Durability#FSYNC_EACH_EVENT}. */
        public Builder durability(Durability value) {
            this.durability = Objects.requireNonNull(value);
            return this;
        }

        /** Sets the records per force for {@link Durability#FSYNC_EACH_BATCH}; default 64. */
        public Builder batchSize(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("batch size must be positive");
            }
            this.batchSize = value;
            return this;
        }

        /** Starts a new segment before one would exceed this size; default 64 MiB. */
        public Builder rotateAfterBytes(long value) {
            if (value < 1) {
                throw new IllegalArgumentException("rotation size must be positive");
            }
            this.rotateAfterBytes = value;
            return this;
        }

        /** Starts a new segment for the first record after a segment is this old; {@code null} never; default 1 day. */
        public Builder rotateAfter(@Nullable Duration value) {
            this.rotateAfter = value;
            return this;
        }

        /** Sets how sensitive fields are written; default {@link Redaction#keep()}. */
        public Builder redaction(Redaction value) {
            this.redaction = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Sets whether the {@code command} of {@code exec.*} events is written (through the {@link #redaction}), or
         * replaced by {@value Redaction#REDACTED}; default {@code false}, as a command line can carry a password or
         * a token. With {@link Redaction#hmacSha256} the HMAC of the command is written either way, so that records
         * of one command can still be matched by the key holder.
         */
        public Builder recordCommands(boolean value) {
            this.recordCommands = value;
            return this;
        }

        /**
         * Turns on signed checkpoints.
         *
         * @param key the Ed25519 private key, from the application's key source
         * @param id the key id recorded in checkpoints ({@link Checkpoints#keyId} of the public key)
         * @param sink where checkpoints go; should be a different sink (another disk, host or service)
         */
        public Builder checkpoints(PrivateKey key, String id, AuditSink sink) {
            this.signingKey = Objects.requireNonNull(key, "key");
            this.keyId = Objects.requireNonNull(id, "id");
            this.checkpointSink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** Turns on signed checkpoints with a key pair, naming the key by its public half. */
        public Builder checkpoints(KeyPair pair, AuditSink sink) {
            return checkpoints(pair.getPrivate(), Checkpoints.keyId(pair.getPublic()), sink);
        }

        /** Sends a checkpoint after this many records of a stream; 0 turns it off; default 1000. */
        public Builder checkpointEvery(int records) {
            if (records < 0) {
                throw new IllegalArgumentException("checkpoint interval must not be negative");
            }
            this.checkpointEvery = records;
            return this;
        }

        /**
         * Turns on Merkle mode (audit schema §3.3): each checkpoint also signs {@code tree_root}, the RFC 9162 Merkle
         * Tree Hash over the records of its window ({@link MerkleTree}), so that one record can be proven covered by
         * an inclusion proof. Costs one SHA-256 per record and {@code O(log n)} memory per stream; default off.
         */
        public Builder merkleTree(boolean value) {
            this.merkle = value;
            return this;
        }

        /** Sends a checkpoint this often when records were added; {@code null} turns it off; default 1 minute. */
        public Builder checkpointInterval(@Nullable Duration value) {
            if (value != null && (value.isNegative() || value.isZero())) {
                throw new IllegalArgumentException("checkpoint interval must be positive");
            }
            this.checkpointInterval = value;
            return this;
        }

        /**
         * Lets one group read the log: files the sink creates get mode {@code 0640} and directories it creates
         * {@code 0750}, instead of the default {@code 0600} and {@code 0700} (owner only). The group is the one the
         * file system gives new files (the process's, or the directory's with the setgid bit). Existing segments
         * with more permissions are tightened to this mode; an existing directory is left as it is, with a warning
         * if it grants more (see the class comment).
         */
        public Builder groupReadable(boolean value) {
            this.groupReadable = value;
            return this;
        }

        /** Sets the clock for rotation and checkpoint times; default UTC system clock. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value);
            return this;
        }

        /** Opens the sink, reading existing segments to continue their chains. @throws IOException if it cannot */
        public FileAuditSink build() throws IOException {
            return new FileAuditSink(this);
        }
    }
}
