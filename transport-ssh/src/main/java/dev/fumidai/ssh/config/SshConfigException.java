// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.config;

import org.jspecify.annotations.Nullable;

/** Signals an ssh_config file that cannot be used: a syntax error, a refused keyword, or an unsafe value. */
public final class SshConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that names the file and line where known. */
    public SshConfigException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the underlying cause. */
    public SshConfigException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
