// SPDX-License-Identifier: Apache-2.0
/**
 * The RFC 5424 syslog sink: messages with our structured data and the full JSON, RFC 6587 octet-counted framing
 * over TCP and RFC 5425 TLS, on Netty.
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai.audit.syslog;

import org.jspecify.annotations.NullMarked;
