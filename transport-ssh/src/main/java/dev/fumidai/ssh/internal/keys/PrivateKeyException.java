// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

/**
 * Reports that a private key cannot be loaded; the {@link Reason} says why so that callers can tell a wrong
 * passphrase from an unsupported format. Messages never contain key material or passphrases.
 */
public class PrivateKeyException extends InvalidSshKeyException {

    private static final long serialVersionUID = 1L;

    /** Says why a private key could not be loaded. */
    public enum Reason {
        /** The passphrase did not decrypt the key. */
        WRONG_PASSPHRASE,
        /** The key is encrypted and no passphrase was given. */
        PASSPHRASE_REQUIRED,
        /** The file is of a format, cipher, KDF or key type this library does not read. */
        UNSUPPORTED,
        /** The file is damaged or not a private key. */
        MALFORMED,
        /**
         * The file asks for more KDF work than {@code PrivateKeyPolicy} allows, or deriving its key passed the
         * policy's deadline.
         */
        OVER_LIMIT,
        /** The file is open to group or others and {@code PrivateKeyPolicy.isStrictKeyFileModes()} is on. */
        UNPROTECTED_FILE
    }

    private final Reason reason;

    /** Creates an exception with a reason and a message naming the key. */
    public PrivateKeyException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Creates an exception with a reason, a message naming the key and a cause. */
    public PrivateKeyException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Returns why the key could not be loaded. */
    public Reason reason() {
        return reason;
    }
}
