/**
 * The tamper-evident JSON Lines file sink (audit schema §3): per-stream hash chain, signed checkpoints to a
 * second sink, rotation and a durability setting.
 */
package dev.fumidai.audit.file;
