/** The tamper-evident JSON Lines file sink and its verifier. */
package dev.fumidai.audit.file;
