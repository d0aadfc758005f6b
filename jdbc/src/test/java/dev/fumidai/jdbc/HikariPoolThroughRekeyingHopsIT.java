// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.audit.ForwardClosed;
import dev.fumidai.audit.ForwardOpened;
import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.InMemoryAuditSink;
import dev.fumidai.audit.Outcome;
import dev.fumidai.jdbc.testing.PostgresServer;
import dev.fumidai.jdbc.testing.SystemSshd;
import dev.fumidai.ssh.KnownHostsVerifier;
import dev.fumidai.ssh.SshHop;
import dev.fumidai.testsupport.EmbeddedBastions;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs a HikariCP pool of 20 connections, 10,000 concurrent queries, through two hops: the system OpenSSH
 * {@code sshd} re-keying every 16 MiB ({@code RekeyLimit 16M}) during the run, then an embedded bastion that alone
 * may open the PostgreSQL server. Every query must answer correctly; the audit must hold one {@code forward.open}
 * and one {@code forward.close} per physical connection, over one session per hop; nothing stays open after the
 * pool closes.
 */
@Tag("interop")
class HikariPoolThroughRekeyingHopsIT {

    static final int POOL = 20;
    static final int QUERIES = 10_000;
    /** md5 hex repeated 128 times: 4 KiB per answer, 40 MiB in all, so a 16 MiB limit re-keys during the run. */
    static final int REPEAT = 128;

    @Test
    void twentyConnectionsRunTenThousandQueriesWhileTheFirstHopRekeys() throws Exception {
        Path work = Files.createTempDirectory("fumidai-hikari");
        try (PostgresServer pg = PostgresServer.start();
                EmbeddedBastions inner = EmbeddedBastions.builder().bastion("hikari-inner", pg.hostPort()).start();
                SystemSshd outer = SystemSshd.start(List.of("RekeyLimit 16M"),
                        List.of("127.0.0.1:" + inner.bastions().get(0).port()))) {
            Path knownHosts = Files.writeString(work.resolve("known_hosts"), outer.knownHostsLine("sshd-outer") + "\n");
            SshHop first = SshHop.builder().address(Target.of("127.0.0.1", outer.port()))
                    .hostKeyVerifier(KnownHostsVerifier.of(knownHosts)).name("sshd-outer").user("root")
                    .identity(outer.clientKey()).build();
            Route route = Route.of(first, inner.route().hops().get(0));
            InMemoryAuditSink audit = InMemoryAuditSink.create();
            try (JumpHost jh = JumpHost.builder().route(route).actor("it:hikari").auditSink(audit).build()) {
                JumpHosts.register("hikari", jh);
                long kexBefore;
                try {
                    HikariConfig cfg = new HikariConfig();
                    cfg.setJdbcUrl("jdbc:postgresql://" + pg.hostPort() + "/postgres?user=" + PostgresServer.USER
                            + "&socketFactory=" + FumidaiSocketFactory.class.getName() + "&socketFactoryArg=hikari");
                    cfg.setMaximumPoolSize(POOL);
                    cfg.setMinimumIdle(POOL);
                    cfg.setConnectionTimeout(60_000);
                    cfg.setPoolName("fumidai-it");
                    try (HikariDataSource ds = new HikariDataSource(cfg)) {
                        kexBefore = outer.countLog(SystemSshd.NEWKEYS);
                        ExecutorService pool = Executors.newFixedThreadPool(2 * POOL);
                        try {
                            List<Future<String>> answers = new ArrayList<>();
                            for (int i = 0; i < QUERIES; i++) {
                                int n = i;
                                answers.add(pool.submit(() -> query(ds, n)));
                            }
                            for (int i = 0; i < QUERIES; i++) {
                                String got = answers.get(i).get(5, TimeUnit.MINUTES);
                                assertEquals(expected(i), got, "query " + i);
                            }
                        } finally {
                            pool.shutdownNow();
                        }
                        long rekeys = outer.countLog(SystemSshd.NEWKEYS) - kexBefore;
                        assertTrue(rekeys >= 1, "sshd re-keyed during the run: " + rekeys + "\n" + outer.logTail());
                    }
                } finally {
                    JumpHosts.unregister("hikari");
                }
                // The pool is closed: every stream it used is closed and audited.
                audit.await(e -> audit.events(ForwardClosed.class).size() >= audit.events(ForwardOpened.class).size(),
                        Duration.ofSeconds(30));
                List<ForwardOpened> opened = audit.events(ForwardOpened.class);
                List<ForwardClosed> closed = audit.events(ForwardClosed.class);
                assertTrue(opened.size() >= POOL, "at least one stream per pooled connection: " + opened.size());
                assertTrue(opened.stream().allMatch(o -> o.outcome() == Outcome.SUCCESS));
                Set<String> openIds = opened.stream().map(ForwardOpened::channelId).collect(Collectors.toSet());
                Set<String> closeIds = new HashSet<>();
                for (ForwardClosed c : closed) {
                    assertTrue(closeIds.add(c.channelId()), "one close per stream: " + c.channelId());
                    assertTrue(c.bytesUp() > 0 && c.bytesDown() > 0 && c.durationMs() >= 0, c.toString());
                }
                assertEquals(openIds, closeIds, "each open has its close");
                assertEquals(opened.size(), inner.bastions().get(0).openedCount(),
                        "one stream through the last hop per physical connection");
                assertEquals(2, audit.events(HopConnected.class).size(), "one shared session per hop");
            }
        } finally {
            Files.deleteIfExists(work.resolve("known_hosts"));
            Files.deleteIfExists(work);
        }
    }

    static String query(HikariDataSource ds, int n) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT ?::int, repeat(md5(?::text), " + REPEAT + ")")) {
            st.setInt(1, n);
            st.setString(2, "q" + n);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1) + ":" + rs.getString(2);
            }
        }
    }

    static String expected(int n) throws Exception {
        byte[] d = MessageDigest.getInstance("MD5").digest(("q" + n).getBytes(StandardCharsets.UTF_8));
        String hex = String.format("%032x", new BigInteger(1, d));
        return n + ":" + hex.repeat(REPEAT);
    }
}
