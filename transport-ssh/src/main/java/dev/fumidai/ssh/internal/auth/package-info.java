// SPDX-License-Identifier: Apache-2.0
/** Runs SSH user authentication (RFC 4252, RFC 4256) above the transport: the client side state machine. */
package dev.fumidai.ssh.internal.auth;
