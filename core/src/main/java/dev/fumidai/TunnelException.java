// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

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
    private String hopName;
    private int hopIndex = -1;
    private Target target;

    /**
     * Creates an exception.
     *
     * @param where the hop and target, as {@code dev.fumidai.spi.Hops#describe} writes it
     * @param what what went wrong, without secrets
     * @param cause the underlying failure, or {@code null}
     */
    public TunnelException(@Nullable String where, String what, @Nullable Throwable cause) {
        super(where == null || where.isEmpty() ? what : where + ": " + what, cause);
        this.where = where == null ? "" : where;
    }

    /**
     * Creates an exception that says where it happened in structured form as well as in the message.
     *
     * @param where the hop and target, as {@code dev.fumidai.spi.Hops#describe} writes it
     * @param what what went wrong, without secrets
     * @param cause the underlying failure, or {@code null}
     * @param hopName the name of the hop where it failed, or {@code null} if not known or no hop (direct)
     * @param hopIndex the hop's position in the route, from 0, or -1 if not known or no hop
     * @param target the target being opened, or {@code null} if the failure is not about one target
     */
    public TunnelException(@Nullable String where, String what, @Nullable Throwable cause,
            @Nullable String hopName, int hopIndex, @Nullable Target target) {
        this(where, what, cause);
        locate(hopName, hopIndex, target);
    }

    /** Returns the hop and target part of the message. */
    public String where() {
        return where;
    }

    /**
     * Returns the name of the hop where the failure happened, as in {@link Route}; {@code null} when no hop is
     * to blame (a direct route, the JumpHost closed) or the place is not known.
     */
    public @Nullable String hopName() {
        return hopName;
    }

    /** Returns the position of {@link #hopName()} in the route, from 0; -1 when {@code hopName()} is null. */
    public int hopIndex() {
        return hopIndex;
    }

    /**
     * Returns the target the failed operation was opening; {@code null} when the failure is a hop's own
     * (connect, handshake, authentication, shared by every stream waiting for that hop) or not about a target.
     */
    public @Nullable Target target() {
        return target;
    }

    /**
     * Records where the failure happened; the library calls it as the failure passes through the route. Like
     * {@link Throwable#initCause}, it only fills what is still unknown: a part already set is kept.
     *
     * @param name the hop's name, or {@code null} to leave it unknown
     * @param index the hop's position from 0, or -1; kept only together with a name
     * @param t the target, or {@code null} to leave it unknown
     * @return this exception
     */
    public final TunnelException locate(@Nullable String name, int index, @Nullable Target t) {
        synchronized (this) {
            if (this.hopName == null && name != null) {
                this.hopName = name;
                this.hopIndex = index;
            }
            if (this.target == null && t != null) {
                this.target = t;
            }
        }
        return this;
    }
}
