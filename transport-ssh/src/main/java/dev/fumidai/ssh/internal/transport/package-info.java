// SPDX-License-Identifier: Apache-2.0
/**
 * Holds the SSH transport pipeline (RFC 4253): version exchange, packet codec and the transport handler that
 * runs key exchange, rekeying, strict kex and the service request; handler names are in
 * {@link dev.fumidai.ssh.internal.transport.PipelineNames}, and
 * {@link dev.fumidai.ssh.internal.transport.SshClientTransport} installs them.
 */
package dev.fumidai.ssh.internal.transport;
