// SPDX-License-Identifier: Apache-2.0
/** Talks to an SSH agent ({@code SSH_AUTH_SOCK}, draft-miller-ssh-agent) for user authentication. */
package dev.fumidai.ssh.internal.agent;
