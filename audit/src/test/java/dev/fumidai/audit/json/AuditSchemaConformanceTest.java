// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.fumidai.CommandHop;
import dev.fumidai.ForwardOptions;
import dev.fumidai.JumpHost;
import dev.fumidai.LocalForward;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.audit.AgentForwarded;
import dev.fumidai.audit.AuditCheckpoint;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.AuthAttempted;
import dev.fumidai.audit.AwsIdentity;
import dev.fumidai.audit.Credential;
import dev.fumidai.audit.CredentialType;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.EventType;
import dev.fumidai.audit.ExecEnded;
import dev.fumidai.audit.ExecStarted;
import dev.fumidai.audit.ForwardListened;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.HopInfo;
import dev.fumidai.audit.HostKeyChecked;
import dev.fumidai.audit.HostKeyInfo;
import dev.fumidai.audit.Listener;
import dev.fumidai.audit.ListenerKind;
import dev.fumidai.audit.Outcome;
import dev.fumidai.audit.PolicyDecided;
import dev.fumidai.audit.Reason;
import dev.fumidai.audit.ReasonCode;
import dev.fumidai.audit.Source;
import dev.fumidai.audit.TargetInfo;
import dev.fumidai.audit.TargetProtocol;
import dev.fumidai.audit.file.ChainHash;
import dev.fumidai.audit.file.FileAuditSink;
import dev.fumidai.audit.testing.LogFixture;
import dev.fumidai.audit.testing.SampleEvents;
import dev.fumidai.testing.EchoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks that what the JSON encoder writes is what {@code docs/audit-schema.json} (the file a SIEM team validates
 * against) says, and that the schema is strict enough to reject records that break the contract.
 *
 * <p>The records come from three places: sample events of all 21 types under every redaction mode, the edge
 * shapes the emitters produce (failures with {@code null} ids, in-process sources, remote resolution, command hops,
 * rejected host keys), and a real {@link JumpHost} writing a checkpointed tamper-evident file log, read back line
 * by line. The schema is read from the repository ({@code ../docs/audit-schema.json} relative to this module), not
 * from a copy, so the document and the code cannot drift apart unnoticed.
 */
class AuditSchemaConformanceTest {

    private static final Duration T = Duration.ofSeconds(10);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static Schema schema;

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadSchema() throws IOException {
        Path file = Path.of("").toAbsolutePath().resolve("../docs/audit-schema.json").normalize();
        assertTrue(Files.isRegularFile(file), "the published schema must exist at " + file);
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(file), InputFormat.JSON);
    }

    /** Validates with format assertions on, so that {@code date-time} is checked, not just annotated. */
    private static List<Error> errors(String json) {
        return schema.validate(json, InputFormat.JSON,
                (ctx, schemaCtx) -> ctx.executionConfig(b -> b.formatAssertionsEnabled(true)));
    }

    private static void assertValid(String json) {
        List<Error> errors = errors(json);
        assertTrue(errors.isEmpty(), () -> "schema violations " + errors + " in " + json);
    }

    private static void assertInvalid(String json, String why) {
        assertFalse(errors(json).isEmpty(), "the schema must reject a record with " + why + ": " + json);
    }

    private static String encode(AuditJsonEncoder encoder, AuditEvent event, ChainStamp stamp) {
        return new String(encoder.encode(event, stamp), StandardCharsets.UTF_8);
    }

    private static List<AuditJsonEncoder> everyRedactionMode() {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7 + 1);
        }
        return List.of(new AuditJsonEncoder(Redaction.keep()), new AuditJsonEncoder(Redaction.redact()),
                new AuditJsonEncoder(Redaction.hmacSha256(key)));
    }

    @Test
    void everyEventTypeValidatesUnderEveryRedactionModeWithAndWithoutTheHashChain() {
        Set<EventType> seen = EnumSet.noneOf(EventType.class);
        for (AuditJsonEncoder encoder : everyRedactionMode()) {
            long seq = 0;
            String prev = ChainHash.GENESIS;
            for (AuditEvent e : SampleEvents.oneOfEach("jh-01")) {
                seq++;
                assertValid(encode(encoder, e, ChainStamp.plain("jh-01/syslog", seq)));
                // the file sink's form: prev_hash, then hash last, computed over the record without it
                ChainStamp stamp = new ChainStamp("jh-01/file-main", seq, prev, null);
                Map<String, Object> tree = parse(encode(encoder, e, stamp));
                String hash = ChainHash.compute(prev, tree);
                assertValid(encode(encoder, e, stamp.withHash(hash)));
                prev = hash;
                seen.add(e.type());
            }
        }
        assertEquals(EnumSet.allOf(EventType.class), seen, "one record of every event type");
    }

    @Test
    void theEdgeShapesTheEmittersProduceValidate() {
        List<AuditEvent> edges = new ArrayList<>();
        HopInfo sshBasic = HopInfo.basic("ssh", "bastion-1", "bastion-1.example", 22).withRemoteLogin("ops");
        HopInfo command = HopInfo.basic("command", "socat", null, 0);
        HopInfo ssm = new HopInfo("ssm", "ssm://i-0abc", null, null, 0, null, "i-0abc", "eu-west-1", null, null, null);
        Source inProcess = new Source(null, 0, new Listener(ListenerKind.IN_PROCESS, null, 0));
        TargetInfo remote = new TargetInfo("db.internal", null, 5432, TargetProtocol.TCP, null, "remote");
        TargetInfo unix = new TargetInfo("/run/app.sock", null, 0, TargetProtocol.STREAMLOCAL, null, "remote");
        int n = 0;
        // SharedHopSession: a connect that failed has no connection id and no credential
        edges.add(new HopConnected(h(++n), Outcome.FAILURE, Reason.of(ReasonCode.CONNECT_FAILED, "refused"), 0,
                sshBasic, null, null));
        // SsmHopSession: one record per SSM session, the AWS identity may not be known
        edges.add(new HopConnected(h(++n), Outcome.SUCCESS, null, 0, ssm.withSsmSessionId("alice-0e34"),
                "c-1/alice-0e34", Credential.of(CredentialType.AWS_IAM)));
        edges.add(new HopConnected(h(++n), Outcome.SUCCESS, null, 0, ssm.withSsmSessionId("alice-0e35"),
                "c-1/alice-0e35", new Credential(CredentialType.AWS_IAM, null, null,
                        new AwsIdentity("arn:aws:iam::123456789012:user/ops", null, null))));
        // SshHop: a rejected host key carries the hop as configured and the refused key, verified by nothing
        edges.add(new HostKeyChecked(h(++n), Outcome.DENIED, Reason.of(ReasonCode.HOSTKEY_UNKNOWN, "not in known_hosts"),
                0, sshBasic, "c-1", null, false));
        for (ReasonCode refusal : List.of(ReasonCode.HOSTKEY_REVOKED, ReasonCode.HOSTKEY_CERT_INVALID,
                ReasonCode.HOSTKEY_BAD_SIGNATURE, ReasonCode.HOSTKEY_VERIFIER_ERROR, ReasonCode.HOSTKEY_NO_VERDICT)) {
            edges.add(new HostKeyChecked(h(++n), refusal == ReasonCode.HOSTKEY_VERIFIER_ERROR
                    || refusal == ReasonCode.HOSTKEY_NO_VERDICT ? Outcome.ERROR : Outcome.DENIED,
                    Reason.of(refusal, "fixed text"), 0, sshBasic, "c-1",
                    new HostKeyInfo("ecdsa-sha2-nistp256", "SHA256:c2FtcGxlLWZpbmdlcnByaW50", null), false));
        }
        // SshUserAuthHandler: trivial "none" authentication
        edges.add(new AuthAttempted(h(++n), Outcome.SUCCESS, null, 0, sshBasic, "c-1",
                Credential.of(CredentialType.NONE), "ops", true));
        edges.add(new AuthAttempted(h(++n), Outcome.FAILURE, Reason.of(ReasonCode.AUTH_FAILED, "no password given"), 0,
                sshBasic, "c-1", Credential.of(CredentialType.PASSWORD), "ops", false));
        // TunnelOpener: an open that failed has neither channel id nor target address
        edges.add(new ForwardOpened(h(++n), Outcome.FAILURE, Reason.of(ReasonCode.TARGET_UNREACHABLE, "refused"),
                inProcess, remote, List.of(command), null, null));
        edges.add(new ForwardOpened(h(++n), Outcome.SUCCESS, null, inProcess, unix, List.of(command), "c-3",
                "c-3/ch-1a2b3c4d"));
        // LocalForwardImpl: a Unix listener that could not be bound
        edges.add(new ForwardListened(h(++n), Outcome.FAILURE, Reason.of(ReasonCode.CONNECT_FAILED, "in use"),
                new Listener(ListenerKind.LOCAL, "/tmp/fwd.sock", 0), unix, List.of()));
        // SshHopSession: exec refused, and a command killed by a signal
        edges.add(new ExecStarted(h(++n), Outcome.FAILURE, Reason.of(ReasonCode.POLICY, "exec refused"),
                List.of(sshBasic), "c-1", null, "uptime"));
        edges.add(new ExecEnded(h(++n), Outcome.ERROR, Reason.of(ReasonCode.CLOSED_BY_SERVER), List.of(sshBasic),
                "c-1", "c-1/ch-0", "sleep 100", null, "TERM", SampleEvents.T0, 5, 0, 0));
        // FileAuditSink in Merkle mode
        edges.add(new AuditCheckpoint(new EventHeader(EventHeader.newEventId(SampleEvents.T0), "jh-01", 1,
                SampleEvents.T0, SampleEvents.ACTOR, SampleEvents.ORIGIN, null), "jh-01/file-main", 0, 0,
                ChainHash.GENESIS, "ab".repeat(32), "SHA256:a2V5", "c2lnbmF0dXJlIQ=="));
        edges.add(new AgentForwarded(h(++n), Outcome.SUCCESS, null, List.of(), null));
        edges.add(new PolicyDecided(h(++n), Outcome.DENIED, Reason.of(ReasonCode.POLICY), null, null, null));
        for (AuditJsonEncoder encoder : everyRedactionMode()) {
            long seq = 0;
            for (AuditEvent e : edges) {
                assertValid(encode(encoder, e, ChainStamp.plain("jh-01/edge", ++seq)));
            }
        }
    }

    private static EventHeader h(int seq) {
        return new EventHeader(EventHeader.newEventId(SampleEvents.T0), "jh-01", seq, SampleEvents.T0,
                SampleEvents.ACTOR, SampleEvents.ORIGIN, "s-1");
    }

    @Test
    void everyLineARealJumpHostWritesToACheckpointedFileLogValidates() throws Exception {
        LogFixture fx = new LogFixture(tmp);
        try (EchoServer echo = EchoServer.start(); FileAuditSink checkpoints = fx.checkpointSink()) {
            int refusedPort = closedPort();
            try (JumpHost jh = JumpHost.builder().route(Route.direct()).actor("ci:schema-test").emitterId("jh-direct")
                    .ownedAuditSink(fx.eventSink(checkpoints).checkpointEvery(4).build()).build()) {
                roundTrip(jh, Target.of("127.0.0.1", echo.port()));
                try (LocalForward fwd = jh.forward(Target.of("127.0.0.1", echo.port()), ForwardOptions.defaults());
                        Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", fwd.localPort()), 10_000);
                    echoOneByte(s.getOutputStream(), s.getInputStream());
                }
                try (TunnelConnection c = jh.connect(Target.of("127.0.0.1", refusedPort), T)) {
                    fail("a closed port must refuse");
                } catch (IOException expected) {
                    // the forward.open failure record is what this is for
                }
            }
        }
        // A second log from a route through a command hop: hop.connect and hop.disconnect, hops[] with a hop.
        LogFixture fx2 = new LogFixture(tmp.resolve("command"));
        try (FileAuditSink checkpoints = fx2.checkpointSink()) {
            try (JumpHost jh = JumpHost.builder().route(Route.of(CommandHop.of("cat").named("loop")))
                    .actor("ci:schema-test").emitterId("jh-command")
                    .ownedAuditSink(fx2.eventSink(checkpoints).build()).build()) {
                roundTrip(jh, Target.of("echo.invalid", 7));
            }
        }

        Set<String> types = new TreeSet<>();
        int lines = 0;
        List<Path> files = new ArrayList<>(fx.allFiles());
        files.addAll(fx2.allFiles());
        for (Path file : files) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                assertValid(line);
                JsonNode node = MAPPER.readTree(line);
                types.add(node.get("event_type").asString() + "/" + node.get("outcome").asString());
                lines++;
            }
        }
        for (String expected : List.of("audit.start/success", "audit.stop/success", "audit.checkpoint/success",
                "session.start/success", "session.end/success", "forward.listen/success", "forward.unlisten/success",
                "forward.open/success", "forward.open/failure", "forward.close/success", "hop.connect/success",
                "hop.disconnect/success")) {
            assertTrue(types.contains(expected), "the logs hold a " + expected + " record: " + types);
        }
        assertTrue(lines >= 20, "records read: " + lines);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void roundTrip(JumpHost jh, Target target) throws IOException {
        try (TunnelConnection c = jh.connect(target, T)) {
            echoOneByte(c.outputStream(), c.inputStream());
        }
    }

    private static void echoOneByte(OutputStream out, InputStream in) throws IOException {
        out.write(42);
        out.flush();
        assertEquals(42, in.read(), "the byte comes back through the tunnel");
    }

    @Test
    void theSchemaRejectsRecordsThatBreakTheContract() {
        AuditJsonEncoder encoder = new AuditJsonEncoder(Redaction.keep());
        String close = encode(encoder, SampleEvents.forwardClose(SampleEvents.header("jh-01", 7)),
                ChainStamp.plain("jh-01/file-main", 7));
        assertValid(close); // each mutation below breaks exactly one thing in a valid record

        assertInvalid(mutate(close, o -> o.remove("actor")), "no actor");
        assertInvalid(mutate(close, o -> o.remove("session_id")), "no session_id on a forward record");
        assertInvalid(mutate(close, o -> o.remove("bytes_up")), "a forward.close without bytes_up");
        assertInvalid(mutate(close, o -> o.remove("reason")), "a forward.close without a reason");
        assertInvalid(mutate(close, o -> o.put("seq", "7")), "seq as a string");
        assertInvalid(mutate(close, o -> o.put("seq", -1)), "a negative seq");
        assertInvalid(mutate(close, o -> o.put("outcome", "ok")), "an unknown outcome");
        assertInvalid(mutate(close, o -> o.put("event_type", "forward.teleport")), "an unknown event type");
        assertInvalid(mutate(close, o -> o.put("schema", "fumidai-audit/2")), "another schema version");
        assertInvalid(mutate(close, o -> o.put("time", "2026-11-28T13:34:40Z")), "a time without microseconds");
        assertInvalid(mutate(close, o -> o.put("time", "2026-13-28T13:34:40.000000Z")), "an impossible month");
        assertInvalid(mutate(close, o -> o.put("event_id", "not-a-uuid")), "a malformed event id");
        assertInvalid(mutate(close, o -> o.put("password", "hunter2")), "a field the schema does not define");
        assertInvalid(mutate(close, o -> o.put("exit_status", 0)), "a field of another event type");
        assertInvalid(mutate(close, o -> ((ObjectNode) o.get("actor")).put("id", "")), "a blank actor id");
        assertInvalid(mutate(close, o -> ((ObjectNode) o.get("hops").get(0)).put("transport", "telnet")),
                "an unknown hop transport");
        assertInvalid(mutate(close, o -> ((ObjectNode) o.get("source")).remove("port")),
                "a source address without a port");
        assertInvalid(mutate(close, o -> ((ObjectNode) o.get("target")).put("port", 70000)), "a port beyond 65535");
        assertInvalid(mutate(close, o -> o.put("hash", "41ab")), "a short hash");
        assertInvalid(mutate(close, o -> o.put("outcome", "failure").remove("reason")),
                "a failure without a reason");

        String start = encode(encoder, SampleEvents.oneOfEach("jh-01").get(0), ChainStamp.plain("jh-01/file-main", 1));
        assertValid(start);
        assertValid(mutate(start, o -> o.remove("session_id"))); // the library's own audit.* records have none
        assertInvalid(mutate(start, o -> o.remove("sink_name")), "an audit.start without sink_name");
    }

    private static String mutate(String json, Consumer<ObjectNode> change) {
        ObjectNode node = (ObjectNode) MAPPER.readTree(json);
        change.accept(node);
        return MAPPER.writeValueAsString(node);
    }

    private static Map<String, Object> parse(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        try {
            return JsonTree.parseObject(b, 0, b.length);
        } catch (IOException e) {
            throw new AssertionError("the encoder wrote JSON its own parser refuses: " + json, e);
        }
    }
}
