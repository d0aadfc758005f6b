// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import java.security.GeneralSecurityException;

/**
 * Reports that bytes or text meant to hold an SSH key, certificate or signature are malformed or of an
 * unsupported type. The message describes the problem, never key material.
 */
public class InvalidSshKeyException extends GeneralSecurityException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message that names the problem. */
    public InvalidSshKeyException(String message) {
        super(message);
    }

    /** Creates an exception with a message and the underlying cause. */
    public InvalidSshKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
