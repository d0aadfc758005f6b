// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.config;

/** Lists the values of the {@code StrictHostKeyChecking} keyword ({@code ssh_config(5)}). */
public enum StrictHostKeyChecking {
    /** Refuse unknown and changed host keys ({@code yes}). */
    YES,
    /** Add unknown keys, refuse changed ones ({@code accept-new}). */
    ACCEPT_NEW,
    /** Accept anything ({@code no} or {@code off}); OpenSSH still refuses changed keys for some operations. */
    NO,
    /** Ask the user ({@code ask}, the OpenSSH default). */
    ASK
}
