// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks;

import dev.fumidai.audit.Actor;
import dev.fumidai.audit.CryptoInfo;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.HopInfo;
import dev.fumidai.audit.HostKeyInfo;
import dev.fumidai.audit.Listener;
import dev.fumidai.audit.ListenerKind;
import dev.fumidai.audit.Origin;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.audit.Source;
import dev.fumidai.audit.TargetInfo;
import dev.fumidai.audit.TargetProtocol;
import dev.fumidai.audit.VerifiedBy;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Builds the event the sink benchmarks write: a {@code forward.close} through an SSM hop and an SSH hop, shaped like
 * the example of audit-schema §1.5 (about 2 KiB of JSON), the most frequent and largest common event.
 */
final class Events {

    private static final Instant T0 = Instant.parse("2026-11-28T13:34:40.002114Z");
    private static final Origin ORIGIN = new Origin("jump-client-7", "ops-portal", 4120, "0.4.0");
    private static final Actor ACTOR = new Actor("okta|00u1abc", "Alice Example", List.of("db-oncall"), "okta|admin9",
            true);
    private static final List<HopInfo> HOPS = List.of(
            new HopInfo("ssm", "ssm-1", null, null, 0, null, "i-0abc", "eu-west-1", "alice-0e34", null, null),
            new HopInfo("ssh", "bastion-2", "bastion-2", "10.1.0.5", 22,
                    new HostKeyInfo("ssh-ed25519", "SHA256:c2FtcGxlLWZpbmdlcnByaW50", VerifiedBy.CA), null, null, null,
                    new CryptoInfo("mlkem768x25519-sha256", "chacha20-poly1305@openssh.com", "<implicit>",
                            "ssh-ed25519", true),
                    "alice"));
    private static final Source SOURCE = new Source("127.0.0.1", 55972,
            new Listener(ListenerKind.LOCAL, "127.0.0.1", 7100));
    private static final TargetInfo TARGET = new TargetInfo("db.internal", "10.2.3.4", 5432, TargetProtocol.TCP,
            "postgres-prod", "local");

    private Events() {
    }

    /** Returns the {@code seq}-th forward close of emitter {@code jh-bench}, with its own event id and time. */
    static ForwardClosed forwardClose(long seq) {
        EventHeader h = new EventHeader(new UUID(0x0190f6c46b2e7c1aL, 0x9a573e2b8f1c0000L + seq).toString(),
                "jh-bench", seq, T0.plusNanos(seq * 1_000_123L), ACTOR, ORIGIN, "s-7f3a");
        return new ForwardClosed(h, Outcome.SUCCESS, Reason.of(ReasonCode.CLOSED_BY_CLIENT), SOURCE, TARGET, HOPS,
                "c-2", "c-2/ch-5", T0, 32479, 18211, 901122);
    }
}
