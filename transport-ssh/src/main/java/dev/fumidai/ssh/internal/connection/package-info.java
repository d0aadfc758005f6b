// SPDX-License-Identifier: Apache-2.0
/**
 * Implements the SSH connection protocol (RFC 4254) on top of an authenticated transport: one record per
 * connection message, {@link dev.fumidai.ssh.internal.connection.SshConnection} (the channel table, global
 * requests, keepalive) and {@link dev.fumidai.ssh.internal.connection.SshChannel} (an SSH channel as a Netty
 * child channel of the connection channel, with RFC 4254 §5.2 flow control).
 */
package dev.fumidai.ssh.internal.connection;
