// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.file;

/**
 * Says when {@link FileAuditSink} forces records to stable storage, and so what an event whose
 * {@code accept} returned survives. Every setting writes each record to the operating system with one
 * {@code write(2)} before {@code accept} returns (no buffering in the JVM), so a crash of the JVM alone,
 * {@code SIGKILL} included, never loses an accepted event; the settings differ in what an operating-system crash
 * or power loss can take.
 */
public enum Durability {
    /**
     * Forces the file ({@code FileChannel.force(false)}, {@code fdatasync(2)} on Linux, which includes the file
     * length) after every record, before {@code accept} returns, and forces the directory after creating a
     * segment. An accepted event survives a crash of the process, of the operating system and a power loss, as far
     * as the storage device honours flush requests. The slowest setting: one flush per event.
     */
    FSYNC_EACH_EVENT,
    /**
     * Forces the file after every {@code batchSize} records, on {@link FileAuditSink#flush()}, before every
     * checkpoint is sent, on rotation and on close. An accepted event survives a process crash; an operating-system
     * crash or power loss can lose the events accepted since the last force (fewer than {@code batchSize}, unless a
     * force failed), which the verifier then reports as truncation if a checkpoint already covered them (it cannot,
     * as checkpoints are sent only after a force).
     */
    FSYNC_EACH_BATCH,
    /**
     * Forces the file only on rotation and on close. An accepted event survives a process crash; an operating-system
     * crash or power loss can lose everything written to the current segment that the kernel had not yet written
     * back, and a checkpoint sent meanwhile may then cover records that are gone (reported as truncation).
     */
    NONE
}
