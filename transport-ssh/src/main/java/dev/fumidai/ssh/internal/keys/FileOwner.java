// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Tells whether a file belongs to the user this JVM runs as, for the key file mode check. The JDK has no
 * {@code getuid()}: on Linux the owner of {@code /proc/self} is the process's user, compared by number with the
 * file's {@code unix:uid}; elsewhere the owner's name is compared with {@code user.name} (which the JDK takes
 * from the password database entry of the process's user).
 */
final class FileOwner {

    private static volatile Object processUid;

    private FileOwner() {
    }

    static boolean isCurrentUser(Path file, PosixFileAttributes attributes) {
        Object uid = processUid();
        if (uid != null) {
            try {
                return uid.equals(Files.getAttribute(file, "unix:uid"));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                // fall through to the name
            }
        }
        return attributes.owner().getName().equals(System.getProperty("user.name"));
    }

    private static Object processUid() {
        Object uid = processUid;
        if (uid == null) {
            try {
                uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                uid = Boolean.FALSE;
            }
            processUid = uid;
        }
        return uid == Boolean.FALSE ? null : uid;
    }

    /** Returns the classic octal mode bits (0..0777) of a permission set. */
    static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 0400 >> p.ordinal();
        }
        return mode;
    }
}
