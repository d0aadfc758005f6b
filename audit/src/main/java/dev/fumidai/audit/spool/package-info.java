// SPDX-License-Identifier: Apache-2.0
/** The write-ahead spool for sinks with the {@code SPOOL} policy (audit schema §2). */
package dev.fumidai.audit.spool;
