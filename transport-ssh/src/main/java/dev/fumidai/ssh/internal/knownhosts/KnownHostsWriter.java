// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.knownhosts;

import dev.fumidai.ssh.internal.keys.PlainSshPublicKey;
import dev.fumidai.ssh.internal.keys.SshPublicKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Appends hashed entries to a known_hosts file without ever rewriting it.
 *
 * <h2>Threading</h2>
 * Writers in this JVM are serialised per file by a monitor; writers in other processes (another JVM using
 * this class) by an exclusive {@link FileLock} on the file. Under both, the file is read again and the
 * caller's decision re-made, so two first connections to one host record one entry, and a key recorded by
 * someone else in the meantime is honoured. OpenSSH itself takes no lock but appends with {@code O_APPEND};
 * we append the same way, so a concurrent OpenSSH append cannot be overwritten.
 *
 * <h2>Failure</h2>
 * The line is written in one {@code write} to a channel opened with {@code APPEND} and forced to disk before
 * returning ("make writing known_hosts lines more atomic", OpenSSH 2025). A file that does not end in a
 * newline gets one first, so the previous last line is not corrupted. Any I/O error is thrown.
 */
public final class KnownHostsWriter {

    private static final ConcurrentMap<Path, Object> LOCKS = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Re-decides, under the lock, whether to record after reading the current entries. */
    @FunctionalInterface
    public interface Decision {
        /**
         * Returns whether to append given the file's entries as they are now; may throw to refuse.
         *
         * @param current the entries of the file read under the lock
         */
        boolean shouldAppend(List<KnownHostsEntry> current) throws Exception;
    }

    private KnownHostsWriter() {
    }

    /** Returns the line {@code |1|salt|hash keytype base64} that records a key for a host and port. */
    public static String hashedLine(String hostName, int port, PlainSshPublicKey key) {
        byte[] salt = new byte[HostPatterns.HASH_LENGTH];
        RANDOM.nextBytes(salt);
        return HostPatterns.hash(HostPatterns.lookupName(literalHost(hostName), port), salt) + " " + SshPublicKeys.toText(key);
    }

    /** Returns the line {@code host keytype base64} ({@code [host]:port} off port 22), unhashed. */
    public static String plainLine(String hostName, int port, PlainSshPublicKey key) {
        return HostPatterns.lookupName(literalHost(hostName), port) + " " + SshPublicKeys.toText(key);
    }

    /**
     * Returns the host name if it can only ever stand for itself in a known_hosts line: no pattern or negation
     * characters, no brackets, no {@code |} that could forge a hashed entry, no comment, white space or control
     * characters (issue #10, must hold 9).
     *
     * @throws IllegalArgumentException otherwise
     */
    static String literalHost(String hostName) {
        if (hostName == null || hostName.isEmpty()) {
            throw new IllegalArgumentException("empty host name cannot be recorded");
        }
        for (int i = 0; i < hostName.length(); i++) {
            char c = hostName.charAt(i);
            if (c <= ' ' || Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
                    || "*?!,[]|#@\\\"'".indexOf(c) >= 0) {
                throw new IllegalArgumentException("host name holds a known_hosts pattern or separator character at "
                        + i + "; not recorded");
            }
        }
        return hostName;
    }

    /**
     * Appends a line if the decision, made under the file lock on the file's current contents, says so.
     *
     * @return whether the line was written
     */
    public static boolean appendIf(Path file, String line, Decision decision) throws Exception {
        Path absolute = file.toAbsolutePath().normalize();
        Object monitor = LOCKS.computeIfAbsent(absolute, p -> new Object());
        synchronized (monitor) {
            Path parent = absolute.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                Files.createDirectories(parent, ownerOnly(true));
            }
            if (!Files.exists(absolute)) {
                try {
                    Files.createFile(absolute, ownerOnly(false));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another process created it first: fine, we append under the lock below
                }
            }
            // POSIX record locks (what FileLock uses on Linux) are dropped when the process closes ANY
            // descriptor of the file. So the reading channel stays open until after the write: closing it
            // earlier (as Files.readAllBytes would) released the lock between the decision and the write, and
            // two processes recorded the same host.
            try (FileChannel channel = FileChannel.open(absolute, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
                    FileChannel reader = FileChannel.open(absolute, StandardOpenOption.READ)) {
                // Released when the first of the two channels closes, after the write.
                FileLock lock = channel.lock();
                if (!lock.isValid()) {
                    throw new IOException("lost the lock on " + absolute);
                }
                byte[] current = readAll(reader);
                List<KnownHostsEntry> entries =
                        KnownHostsParser.parse(new String(current, StandardCharsets.UTF_8), absolute.toString());
                if (!decision.shouldAppend(entries)) {
                    return false;
                }
                boolean needsNewline = current.length > 0 && current[current.length - 1] != '\n';
                byte[] bytes = ((needsNewline ? "\n" : "") + line + "\n").getBytes(StandardCharsets.UTF_8);
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
                return true;
            }
        }
    }

    private static byte[] readAll(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException("known_hosts file too large: " + size + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        long position = 0;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, position);
            if (n < 0) {
                break;
            }
            position += n;
        }
        return java.util.Arrays.copyOf(buf.array(), buf.position());
    }

    private static FileAttribute<?>[] ownerOnly(boolean directory) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"))
        };
    }
}
