// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples.cli;

import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditPolicy;
import dev.fumidai.audit.AuditSink;
import dev.fumidai.audit.AuthAttempted;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.HopDisconnected;
import dev.fumidai.audit.HostKeyChecked;
import dev.fumidai.audit.Outcome;
import java.io.PrintStream;

/**
 * Prints audit events as one line each on the command's standard error: with {@code -v} every event; for
 * {@code -L} otherwise only failures (so a connection that cannot open is reported, naming the hop, while the
 * listener stays up); for {@code -W} otherwise none, since the command's own message says what failed. Never standard output: with {@code -W} that carries the tunnel's bytes.
 */
final class StderrAuditSink implements AuditSink {

    private final PrintStream err;
    private final boolean all;
    private final boolean failures;

    StderrAuditSink(PrintStream err, boolean all, boolean failures) {
        this.err = err;
        this.all = all;
        this.failures = failures;
    }

    @Override
    public String name() {
        return "stderr";
    }

    @Override
    public AuditPolicy policy() {
        return AuditPolicy.BEST_EFFORT;
    }

    @Override
    public void accept(AuditEvent e) {
        if (!all && (!failures || e.outcome() == Outcome.SUCCESS)) {
            return;
        }
        StringBuilder sb = new StringBuilder("fumidai: audit ").append(e.type().wireName()).append(' ')
                .append(e.outcome().wireName());
        String hop = hop(e);
        if (hop != null) {
            sb.append(" hop=").append(hop);
        }
        if (e instanceof ForwardOpened f) {
            sb.append(" target=").append(f.target().host()).append(':').append(f.target().port());
        }
        if (e.reason() != null) {
            sb.append(" reason=").append(e.reason().code().wireName());
            if (e.reason().detail() != null) {
                sb.append(": ").append(CliOptions.printable(e.reason().detail()));
            }
        }
        err.println(sb);
    }

    private static String hop(AuditEvent e) {
        if (e instanceof HopConnected h) {
            return h.hop().name();
        }
        if (e instanceof HopDisconnected h) {
            return h.hop().name();
        }
        if (e instanceof HostKeyChecked h) {
            return h.hop().name();
        }
        if (e instanceof AuthAttempted a) {
            return a.hop().name();
        }
        return null;
    }

    @Override
    public void close() {
        err.flush();
    }
}
