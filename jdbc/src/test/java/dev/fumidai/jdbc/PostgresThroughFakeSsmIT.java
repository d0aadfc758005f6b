// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.jdbc.testing.PostgresServer;
import dev.fumidai.ssm.AwsSdkSsmApi;
import dev.fumidai.ssm.SsmHop;
import dev.fumidai.ssm.fake.FakeSession;
import dev.fumidai.ssm.fake.FakeSsmService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Queries a real PostgreSQL 15 through an SSM hop: the fake Session Manager service (HTTP API, websocket data
 * channel, agent emulation) runs {@code AWS-StartPortForwardingSessionToRemoteHost} to the database, and pgjdbc
 * connects through {@link FumidaiSocketFactory}.
 */
@Tag("interop")
class PostgresThroughFakeSsmIT {

    @Test
    void pgjdbcQueriesThroughTheFakeSessionManager() throws Exception {
        try (PostgresServer pg = PostgresServer.start();
                FakeSsmService fake = FakeSsmService.builder().start();
                AwsSdkSsmApi api = AwsSdkSsmApi.builder().region("us-east-1").endpointOverride(fake.endpoint())
                        .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE",
                                "example"))).build()) {
            SsmHop hop = SsmHop.builder("i-0123456789abcdef0").region("us-east-1").api(api)
                    .insecurePlaintextWebSocketForTesting().build();
            InMemoryAuditSink audit = InMemoryAuditSink.create();
            try (JumpHost jh = JumpHost.builder().route(Route.of(hop)).actor("it:ssm-pg").auditSink(audit).build()) {
                JumpHosts.register("ssm-pg", jh);
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + pg.hostPort()
                        + "/postgres?user=" + PostgresServer.USER + "&socketFactory="
                        + FumidaiSocketFactory.class.getName() + "&socketFactoryArg=ssm-pg");
                        Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT inet_server_port(), 6 * 7")) {
                    assertTrue(rs.next());
                    assertEquals(pg.port(), rs.getInt(1));
                    assertEquals(42, rs.getInt(2));
                } finally {
                    JumpHosts.unregister("ssm-pg");
                }
                ForwardClosed closed = audit.await(ForwardClosed.class, Duration.ofSeconds(20));
                assertTrue(closed.bytesUp() > 0 && closed.bytesDown() > 0, closed.toString());
            }
            assertEquals(1, fake.sessions().size());
            FakeSession s = fake.sessions().get(0);
            assertEquals("AWS-StartPortForwardingSessionToRemoteHost", s.document());
            assertEquals(1, s.streamsOpened());
        }
    }
}
