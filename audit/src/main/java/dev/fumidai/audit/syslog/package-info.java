// SPDX-License-Identifier: Apache-2.0
/**
 * The RFC 5424 syslog sink: messages with our structured data and the full JSON, RFC 6587 octet-counted framing
 * over TCP and RFC 5425 TLS, on Netty.
 */
package dev.fumidai.audit.syslog;
