// SPDX-License-Identifier: Apache-2.0
/** The client end of a data channel on Netty: websocket, handshake, streams, reconnect (SSM spec §3, §6, §8, §10). */
package dev.fumidai.ssm.internal.session;
