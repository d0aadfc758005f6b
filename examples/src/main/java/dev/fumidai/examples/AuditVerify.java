// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import dev.fumidai.audit.verify.VerifyCommand;

/**
 * Checks tamper-evident audit logs written by {@code FileAuditSink} against their signed checkpoints: the audit
 * verifier as a command.
 *
 * <p>{@code java -cp examples/target/fumidai-demo.jar dev.fumidai.examples.AuditVerify EVENT_DIR CHECKPOINT_DIR
 * --public-key key.pem}. Exit status 0 intact, 1 tampered or unsigned, 2 usage error; the findings (modified,
 * deleted, inserted, reordered, truncated records, torn last lines, declared gaps) are printed one a line.
 */
public final class AuditVerify {

    private AuditVerify() {
    }

    /** Runs the verifier and exits with its status. */
    public static void main(String[] args) {
        System.exit(VerifyCommand.run(args, System.out, System.err));
    }
}
