// SPDX-License-Identifier: Apache-2.0
/**
 * The tamper-evident JSON Lines file sink (audit schema §3): per-stream hash chain ({@link
 * dev.fumidai.audit.file.ChainHash}), Ed25519-signed checkpoints to a second sink ({@link
 * dev.fumidai.audit.file.Checkpoints}), rotation and a {@link dev.fumidai.audit.file.Durability} setting. The
 * verifier is in {@code dev.fumidai.audit.verify}.
 *
 * <p>Null-marked (JSpecify): no parameter, return value or field type here admits {@code null} unless it says
 * {@code @Nullable}.
 */
@NullMarked
package dev.fumidai.audit.file;

import org.jspecify.annotations.NullMarked;
