// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

import org.jspecify.annotations.Nullable;

/**
 * Names the real originator of a forwarded connection ({@code source.*}): the peer that connected to
 * our listener. For in-process streams the address is {@code null} and the listener kind
 * {@link ListenerKind#IN_PROCESS}.
 */
public record Source(@Nullable String address, int port, Listener listener) {
}
