// SPDX-License-Identifier: Apache-2.0
/** The SSH hop: configuration, host-key verification and the URI form {@code ssh://user@host:port}. */
package dev.fumidai.ssh;
