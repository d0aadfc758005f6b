// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and opens the audit sinks' files and directories with private modes: files {@code 0600} and directories
 * {@code 0700}, or {@code 0640} and {@code 0750} when the operator asks for a reading group.
 *
 * <h2>Exact modes</h2>
 * A mode given to {@code open(2)} or {@code mkdir(2)} is reduced by the process umask, and the umask cannot be set
 * from Java. So a file is created with the wanted mode (never broader, whatever the umask: there is no moment
 * when others could open it) and then set to exactly that mode with {@code chmod}, which the umask does not touch;
 * a umask of 077 would otherwise strip the group bit of {@code 0640}.
 *
 * <h2>What exists already</h2>
 * <ul>
 *   <li>A file of the sink (segment, lock, ack) with more permissions than the wanted mode is tightened to the
 *       permissions both allow, with a WARN: the sink owns its files, and the audit trail holds sensitive fields.
 *       If the process may not change it (another owner), a WARN says so and the sink goes on.</li>
 *   <li>A directory that exists is left as it is, with a WARN when it grants more than the mode the sink would
 *       create it with: the operator may have made it for a group or shared it, and changing the mode of, for
 *       example, a log directory could break other programs.</li>
 * </ul>
 *
 * <h2>Non-POSIX file systems</h2>
 * Where the file system has no POSIX permissions (Windows NTFS, FAT, some network mounts), files and directories
 * are created with the platform's defaults, which on Windows means inheriting the parent directory's ACL; an INFO
 * record says so once per process. Put the audit directories where only the service account can read.
 *
 * <h2>Threading</h2>
 * Immutable and safe to share.
 */
public final class PrivateFiles {

    private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
    private static final AtomicBoolean NON_POSIX_NOTED = new AtomicBoolean();

    private final Set<PosixFilePermission> fileMode;
    private final Set<PosixFilePermission> dirMode;

    private PrivateFiles(boolean groupReadable) {
        this.fileMode = PosixFilePermissions.fromString(groupReadable ? "rw-r-----" : "rw-------");
        this.dirMode = PosixFilePermissions.fromString(groupReadable ? "rwxr-x---" : "rwx------");
    }

    /** Returns the owner-only modes ({@code 0600}/{@code 0700}), or {@code 0640}/{@code 0750} if group-readable. */
    public static PrivateFiles of(boolean groupReadable) {
        return new PrivateFiles(groupReadable);
    }

    /** Returns the permissions of the files created. */
    public Set<PosixFilePermission> fileMode() {
        return EnumSet.copyOf(fileMode);
    }

    /** Returns the permissions of the directories created. */
    public Set<PosixFilePermission> directoryMode() {
        return EnumSet.copyOf(dirMode);
    }

    private static boolean posix(Path p) {
        boolean posix = p.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!posix && NON_POSIX_NOTED.compareAndSet(false, true)) {
            LOG.info("audit files in {} are on a file system without POSIX permissions: they get the platform's"
                    + " default access (on Windows the parent directory's ACL); keep that directory private", p);
        }
        return posix;
    }

    /**
     * Creates {@code dir} and its missing parents with the directory mode; warns about an existing {@code dir} that
     * grants more.
     */
    public void createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (!posix(abs)) {
            Files.createDirectories(abs);
            return;
        }
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = abs; p != null && !Files.exists(p); p = p.getParent()) {
            missing.push(p);
        }
        FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(dirMode);
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            try {
                Files.createDirectory(p, attr);
                Files.setPosixFilePermissions(p, dirMode);
            } catch (FileAlreadyExistsException raced) {
                // made by someone else meanwhile: theirs, checked below if it is the audit directory itself
            }
        }
        if (!Files.isDirectory(abs)) {
            throw new IOException("audit directory " + abs + " is not a directory");
        }
        Set<PosixFilePermission> actual = Files.getPosixFilePermissions(abs);
        if (!dirMode.containsAll(actual)) {
            LOG.warn("audit directory {} has mode {}, more than {}: left as it is (it may be shared on purpose);"
                    + " make it private unless others must read it", abs, PosixFilePermissions.toString(actual),
                    PosixFilePermissions.toString(dirMode));
        }
    }

    /**
     * Opens {@code file} for the sink. A file this call creates gets exactly the file mode; an existing one is
     * {@linkplain #tighten tightened}. The options must hold {@code CREATE} or {@code CREATE_NEW} to create.
     */
    public FileChannel open(Path file, OpenOption... options) throws IOException {
        if (!posix(file)) {
            return FileChannel.open(file, options);
        }
        Set<OpenOption> opts = Set.of(options);
        boolean createNew = opts.contains(StandardOpenOption.CREATE_NEW);
        boolean existed = !createNew && Files.exists(file, LinkOption.NOFOLLOW_LINKS);
        FileChannel ch = FileChannel.open(file, opts, PosixFilePermissions.asFileAttribute(fileMode));
        try {
            if (existed) {
                tighten(file);
            } else {
                Files.setPosixFilePermissions(file, fileMode);
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    /**
     * Removes from an existing file of the sink the permissions beyond the file mode (never adds any), with a WARN;
     * warns and goes on if the process may not change it.
     */
    public void tighten(Path file) {
        if (!posix(file)) {
            return;
        }
        try {
            Set<PosixFilePermission> actual = Files.getPosixFilePermissions(file);
            if (fileMode.containsAll(actual)) {
                return;
            }
            Set<PosixFilePermission> narrowed = EnumSet.noneOf(PosixFilePermission.class);
            narrowed.addAll(actual);
            narrowed.retainAll(fileMode);
            Files.setPosixFilePermissions(file, narrowed);
            LOG.warn("audit file {} had mode {}: tightened to {}", file, PosixFilePermissions.toString(actual),
                    PosixFilePermissions.toString(narrowed));
        } catch (IOException | SecurityException e) {
            LOG.warn("audit file {} has more permissions than {} and cannot be tightened: {}", file,
                    PosixFilePermissions.toString(fileMode), e.toString());
        }
    }
}
