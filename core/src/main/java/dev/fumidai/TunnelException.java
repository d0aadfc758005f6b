package dev.fumidai;

import java.io.IOException;

/**
 * Reports that a tunnel could not be opened or broke; the message names the hop where it happened.
 *
 * <p>Messages read {@code <where>: <what>}, for example
 * {@code ssh hop "bastion" 10.0.0.5:22 => db:5432: no common cipher; ours [...], theirs [...]}.
 * Subclasses say which stage failed, so callers can react without parsing the text.
 */
public class TunnelException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String where;

    /**
     * Creates an exception.
     *
     * @param where the hop and target, as {@code dev.fumidai.spi.Hops#describe} writes it
     * @param what what went wrong, without secrets
     * @param cause the underlying failure, or {@code null}
     */
    public TunnelException(String where, String what, Throwable cause) {
        super(where == null || where.isEmpty() ? what : where + ": " + what, cause);
        this.where = where == null ? "" : where;
    }

    /** Returns the hop and target part of the message. */
    public String where() {
        return where;
    }
}
