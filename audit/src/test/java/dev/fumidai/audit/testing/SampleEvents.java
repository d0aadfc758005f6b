// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.testing;

import dev.fumidai.audit.Actor;
import dev.fumidai.audit.AgentForwarded;
import dev.fumidai.audit.AuditCheckpoint;
import dev.fumidai.audit.AuditDegraded;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuditGap;
import dev.fumidai.audit.AuditRecovered;
import dev.fumidai.audit.AuditStarted;
import dev.fumidai.audit.AuditStopped;
import dev.fumidai.audit.AuthAttempted;
import dev.fumidai.audit.AwsIdentity;
import dev.fumidai.audit.CertificateInfo;
import dev.fumidai.audit.Credential;
import dev.fumidai.audit.CredentialType;
import dev.fumidai.audit.CryptoInfo;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.ExecEnded;
import dev.fumidai.audit.ExecStarted;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.ForwardDenied;
import dev.fumidai.audit.ForwardListened;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.ForwardUnlistened;
import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.HopDisconnected;
import dev.fumidai.audit.HopInfo;
import dev.fumidai.audit.HostKeyChecked;
import dev.fumidai.audit.HostKeyInfo;
import dev.fumidai.audit.Listener;
import dev.fumidai.audit.ListenerKind;
import dev.fumidai.audit.Origin;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.PolicyDecided;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.audit.SessionEnded;
import dev.fumidai.audit.SessionStarted;
import dev.fumidai.audit.Source;
import dev.fumidai.audit.TargetInfo;
import dev.fumidai.audit.TargetProtocol;
import dev.fumidai.audit.VerifiedBy;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Builds realistic audit events of every type for tests, shaped like the §1.5 example. */
public final class SampleEvents {

    public static final Instant T0 = Instant.parse("2026-11-28T13:34:40.002114Z");
    public static final Origin ORIGIN = new Origin("jump-client-7", "ops-portal", 4120, "0.4.0");
    public static final Actor ACTOR = new Actor("okta|00u1abc", "Alice Example", List.of("db-oncall"), "okta|admin9",
            true);
    public static final HopInfo SSM_HOP = new HopInfo("ssm", "ssm-1", null, null, 0, null, "i-0abc", "eu-west-1",
            "alice-0e34", null, null);
    public static final HopInfo SSH_HOP = new HopInfo("ssh", "bastion-2", "bastion-2", "10.1.0.5", 22,
            new HostKeyInfo("ssh-ed25519", "SHA256:c2FtcGxlLWZpbmdlcnByaW50", VerifiedBy.CA), null, null, null,
            new CryptoInfo("mlkem768x25519-sha256", "chacha20-poly1305@openssh.com", "<implicit>", "ssh-ed25519",
                    true),
            "alice");
    public static final List<HopInfo> HOPS = List.of(SSM_HOP, SSH_HOP);
    public static final Credential CERT_CREDENTIAL = new Credential(CredentialType.CERTIFICATE,
            "SHA256:hjt22Oo4c2FtcGxl", new CertificateInfo("alice@corp", 771, "SHA256:Y2EtZmluZ2Vy",
                    List.of("alice"), Instant.parse("2026-11-29T00:00:00Z")),
            null);
    public static final Credential AWS_CREDENTIAL = new Credential(CredentialType.AWS_IAM, null, null,
            new AwsIdentity("arn:aws:sts::123456789012:assumed-role/ops/alice", "ASIAEXAMPLE", "ops-session"));
    public static final Source SOURCE = new Source("127.0.0.1", 55972,
            new Listener(ListenerKind.LOCAL, "127.0.0.1", 7100));
    public static final TargetInfo TARGET = new TargetInfo("db.internal", "10.2.3.4", 5432, TargetProtocol.TCP,
            "postgres-prod", "local");

    private SampleEvents() {
    }

    /** Returns a header with the given emitter sequence number and a time offset from {@link #T0}. */
    public static EventHeader header(String emitterId, long emitterSeq) {
        return new EventHeader(new UUID(0x0190f6c46b2e7c1aL, 0x9a573e2b8f1c0000L + emitterSeq).toString(), emitterId,
                emitterSeq, T0.plusNanos(emitterSeq * 1_000_123_000L), ACTOR, ORIGIN, "s-7f3a");
    }

    /** Returns the §1.5 forward.close example as a record. */
    public static ForwardClosed forwardClose(EventHeader h) {
        return new ForwardClosed(h, Outcome.SUCCESS, Reason.of(ReasonCode.CLOSED_BY_CLIENT), SOURCE, TARGET, HOPS,
                "c-2", "c-2/ch-5", T0, 32479, 18211, 901122);
    }

    /** Returns one event of each of the 21 types, in the order of {@link dev.fumidai.audit.EventType}. */
    public static List<AuditEvent> oneOfEach(String emitterId) {
        List<AuditEvent> result = new java.util.ArrayList<>();
        for (int i = 0; i < 21; i++) {
            result.add(sample(i, header(emitterId, i + 1)));
        }
        return result;
    }

    /** Returns a sample event of the type with ordinal {@code type} (0..20) of {@link dev.fumidai.audit.EventType}. */
    public static AuditEvent sample(int type, EventHeader h) {
        String emitterId = h.emitterId();
        switch (type) {
            case 0: return new AuditStarted(h, "file-main");
            case 1: return new AuditStopped(h, "file-main");
            case 2: return new AuditDegraded(h, "syslog", Reason.of(ReasonCode.SINK_FAILURE, "connection refused"));
            case 3: return new AuditRecovered(h, "syslog", 3);
            case 4: return new AuditGap(h, "syslog", 3, 40, 42);
            case 5: return new AuditCheckpoint(h, emitterId + "/file-main", 1, 4182, "9f2c".repeat(16), null,
                    "SHA256:a2V5", "c2lnbmF0dXJl");
            case 6: return new HopConnected(h, Outcome.SUCCESS, null, 1, SSH_HOP, "c-2", CERT_CREDENTIAL);
            case 7: return new HopDisconnected(h, Outcome.SUCCESS, Reason.of(ReasonCode.CLOSED_BY_APPLICATION), 1,
                    SSH_HOP, "c-2", T0, 60_000);
            case 8: return new HostKeyChecked(h, Outcome.SUCCESS, null, 1, SSH_HOP, "c-2",
                    new HostKeyInfo("ssh-ed25519", "SHA256:bmV3LWtleQ", VerifiedBy.TOFU), true);
            case 9: return new AuthAttempted(h, Outcome.FAILURE, Reason.of(ReasonCode.AUTH_FAILED), 0, SSM_HOP, "c-1",
                    AWS_CREDENTIAL, "ssm-user", false);
            case 10: return new SessionStarted(h, Outcome.SUCCESS, null, SOURCE, HOPS);
            case 11: return new SessionEnded(h, Outcome.SUCCESS, Reason.of(ReasonCode.SHUTDOWN), HOPS, T0, 90_000,
                    18211, 901122);
            case 12: return new ForwardListened(h, Outcome.SUCCESS, null,
                    new Listener(ListenerKind.LOCAL, "127.0.0.1", 7100), TARGET, HOPS);
            case 13: return new ForwardUnlistened(h, Outcome.SUCCESS, Reason.of(ReasonCode.SHUTDOWN),
                    new Listener(ListenerKind.LOCAL, "127.0.0.1", 7100), TARGET, HOPS, T0, 95_000, 12);
            case 14: return new ForwardOpened(h, Outcome.SUCCESS, null, SOURCE, TARGET, HOPS, "c-2", "c-2/ch-5");
            case 15: return forwardClose(h);
            case 16: return new ForwardDenied(h, Reason.of(ReasonCode.POLICY, "port not allowed"), SOURCE,
                    new TargetInfo("db.internal", null, 22, TargetProtocol.TCP, null, "remote"), HOPS, "rule-7");
            case 17: return new ExecStarted(h, Outcome.SUCCESS, null, HOPS, "c-2", "c-2/ch-6",
                    "pg_dump --schema-only app");
            case 18: return new ExecEnded(h, Outcome.SUCCESS, null, HOPS, "c-2", "c-2/ch-6",
                    "pg_dump --schema-only app", 0, null, T0, 1200, 10, 5000);
            case 19: return new AgentForwarded(h, Outcome.DENIED, Reason.of(ReasonCode.POLICY), HOPS, "c-2");
            case 20: return new PolicyDecided(h, Outcome.SUCCESS, null, "rule-7", "allow", TARGET);
            default: throw new IllegalArgumentException("no event type " + type);
        }
    }
}
