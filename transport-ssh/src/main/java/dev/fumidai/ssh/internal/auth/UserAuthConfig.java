// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.auth;

import dev.fumidai.ssh.KeyboardInteractiveCallback;
import dev.fumidai.ssh.PasswordCallback;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Holds what user authentication at one hop may present: the login, loaded keys in the order to try, and
 * callbacks for password and keyboard-interactive (either may be {@code null} to skip the method).
 *
 * @param user the login user (RFC 4252 §5 {@code user name})
 * @param keys keys to offer, in order
 * @param password the password callback, or {@code null}
 * @param keyboardInteractive the keyboard-interactive callback, or {@code null}
 * @param refuseTrivialAuth whether to refuse a server that lets us in without a real credential
 *     (security-checklist A1)
 * @param callbackExecutor where callbacks run, never an event loop
 * @param methods the methods to try, in order (OpenSSH {@code PreferredAuthentications}); others are never tried
 * @param numberOfPasswordPrompts how many passwords, and separately how many keyboard-interactive tries, one
 *     authentication may ask for across all partial-success stages (OpenSSH {@code NumberOfPasswordPrompts})
 */
public record UserAuthConfig(String user, List<AuthIdentity> keys, PasswordCallback password,
        KeyboardInteractiveCallback keyboardInteractive, boolean refuseTrivialAuth, Executor callbackExecutor,
        List<String> methods, int numberOfPasswordPrompts) {

    /** OpenSSH's default {@code NumberOfPasswordPrompts} (ssh_config(5)). */
    public static final int DEFAULT_PASSWORD_PROMPTS = 3;

    /** The order OpenSSH tries the methods we implement in ({@code PreferredAuthentications} default). */
    public static final List<String> DEFAULT_METHODS = List.of(SshUserAuthHandler.PUBLICKEY,
            SshUserAuthHandler.KEYBOARD_INTERACTIVE, SshUserAuthHandler.PASSWORD);

    public UserAuthConfig {
        Objects.requireNonNull(user, "user");
        keys = List.copyOf(keys);
        Objects.requireNonNull(callbackExecutor, "callbackExecutor");
        methods = List.copyOf(methods);
        if (numberOfPasswordPrompts < 0) {
            throw new IllegalArgumentException("numberOfPasswordPrompts must not be negative: "
                    + numberOfPasswordPrompts);
        }
    }

    /** Creates a configuration that asks for at most {@value #DEFAULT_PASSWORD_PROMPTS} passwords. */
    public UserAuthConfig(String user, List<AuthIdentity> keys, PasswordCallback password,
            KeyboardInteractiveCallback keyboardInteractive, boolean refuseTrivialAuth, Executor callbackExecutor,
            List<String> methods) {
        this(user, keys, password, keyboardInteractive, refuseTrivialAuth, callbackExecutor, methods,
                DEFAULT_PASSWORD_PROMPTS);
    }

    /** Creates a configuration that tries the methods in OpenSSH's default order. */
    public UserAuthConfig(String user, List<AuthIdentity> keys, PasswordCallback password,
            KeyboardInteractiveCallback keyboardInteractive, boolean refuseTrivialAuth, Executor callbackExecutor) {
        this(user, keys, password, keyboardInteractive, refuseTrivialAuth, callbackExecutor, DEFAULT_METHODS);
    }
}
