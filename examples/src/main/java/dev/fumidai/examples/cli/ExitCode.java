// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples.cli;

import dev.fumidai.AuditUnavailableException;
import dev.fumidai.HopAuthenticationException;
import dev.fumidai.HopDisconnectedException;
import dev.fumidai.HopHandshakeException;
import dev.fumidai.HopHostKeyException;
import dev.fumidai.HopUnreachableException;
import dev.fumidai.TargetUnreachableException;
import dev.fumidai.TunnelTimeoutException;
import dev.fumidai.ssh.config.SshConfigException;

/**
 * Lists the exit statuses of the {@code fumidai} command, one per kind of failure, so a script can tell them
 * apart without reading the message. The numbers are part of the command's interface: never renumber them.
 */
public enum ExitCode {
    /**
     * The command did what was asked: {@code -W} saw the target close. ({@code -L} runs until a signal ends the
     * process, whose status is then the usual 128 + signal number: 130 for SIGINT, 143 for SIGTERM.)
     */
    OK(0, "success"),
    /** An unexpected failure; the message says what. */
    ERROR(1, "unexpected error"),
    /** A flag, argument, {@code -J} route or {@code -o} option is malformed, unknown or missing. */
    USAGE(2, "usage error: bad flag, argument, -J route or -o option"),
    /** ssh_config, a key file, a known_hosts file or the audit directory cannot be read or is invalid. */
    CONFIG(3, "configuration error: ssh_config, identity, known_hosts or audit file"),
    /** A hop could not be reached (TCP connect refused or timed out, or the previous hop refused the stream). */
    HOP_UNREACHABLE(4, "a hop is unreachable"),
    /** A hop's host key is unknown, changed or revoked: possible man in the middle. */
    HOST_KEY(5, "host key verification failed at a hop"),
    /** The SSH handshake with a hop failed for another reason (protocol, no common algorithm). */
    HANDSHAKE(6, "handshake failed at a hop"),
    /** A hop refused every credential offered. */
    AUTH(7, "authentication failed at a hop"),
    /** The last hop could not open the target: refused, prohibited or unknown host. */
    TARGET_UNREACHABLE(8, "the target refused or is unreachable from the last hop"),
    /** The route or the target did not answer in time. */
    TIMEOUT(9, "timed out"),
    /** A fail-closed audit sink (--audit-file) is failing, so no tunnel may open. */
    AUDIT_UNAVAILABLE(10, "the audit log cannot be written"),
    /** A hop session broke while the tunnel was in use. */
    DISCONNECTED(11, "a hop disconnected during the tunnel"),
    /**
     * A {@code -L} or {@code -D} listener could not be bound (port in use, address not local, permission), or the last
     * hop refused to listen for a {@code -R} (forwarding not allowed, port in use or privileged).
     */
    LOCAL_BIND(12, "a -L, -D or -R listener could not be bound (-R: the last hop refused)");

    private final int status;
    private final String meaning;

    ExitCode(int status, String meaning) {
        this.status = status;
        this.meaning = meaning;
    }

    /** Returns the process exit status. */
    public int status() {
        return status;
    }

    /** Returns what the status means, as {@code --help} prints it. */
    public String meaning() {
        return meaning;
    }

    /** Returns the status for a failure from the library, by its type alone. */
    public static ExitCode of(Throwable t) {
        if (t instanceof HopHostKeyException) {
            return HOST_KEY;
        }
        if (t instanceof HopHandshakeException) {
            return HANDSHAKE;
        }
        if (t instanceof HopAuthenticationException) {
            return AUTH;
        }
        if (t instanceof HopUnreachableException) {
            return HOP_UNREACHABLE;
        }
        if (t instanceof TargetUnreachableException) {
            return TARGET_UNREACHABLE;
        }
        if (t instanceof TunnelTimeoutException) {
            return TIMEOUT;
        }
        if (t instanceof AuditUnavailableException) {
            return AUDIT_UNAVAILABLE;
        }
        if (t instanceof HopDisconnectedException) {
            return DISCONNECTED;
        }
        if (t instanceof SshConfigException) {
            return CONFIG;
        }
        return ERROR;
    }
}
