// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.mux;

import java.io.IOException;

/**
 * Reports an smux frame that ends the smux session: a version other than the session's, an unknown command, or
 * a breach of a limit (SSM spec §8.4: "unknown cmds and version mismatches are fatal").
 */
public final class SmuxProtocolException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception saying what was wrong. */
    public SmuxProtocolException(String message) {
        super(message);
    }
}
