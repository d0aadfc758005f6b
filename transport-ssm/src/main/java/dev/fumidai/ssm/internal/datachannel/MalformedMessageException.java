// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.datachannel;

import java.io.IOException;

/**
 * Reports a data-channel frame or payload that breaks the format of SSM spec §4–§6. The message says which
 * field is wrong and never holds payload bytes.
 */
public final class MalformedMessageException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception with a description of the broken field. */
    public MalformedMessageException(String message) {
        super(message);
    }

    /** Creates an exception with a description of the broken field and the parser's failure. */
    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
