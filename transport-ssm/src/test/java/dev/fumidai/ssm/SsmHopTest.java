// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.HopHandshakeException;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TargetUnreachableException;
import dev.fumidai.audit.Actor;
import dev.fumidai.audit.AuditEvent;
import dev.fumidai.audit.EventHeader;
import dev.fumidai.audit.HopConnected;
import dev.fumidai.audit.Origin;
import dev.fumidai.audit.Outcome;
import dev.fumidai.spi.AuditEmitter;
import dev.fumidai.spi.HopContext;
import dev.fumidai.spi.HopSession;
import dev.fumidai.spi.StreamChannels;
import dev.fumidai.spi.StreamOpener;
import dev.fumidai.ssm.fake.FakeSession;
import dev.fumidai.ssm.fake.FakeSsmService;
import dev.fumidai.ssm.internal.datachannel.Flag;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Runs {@link SsmHop} through the AWS SDK control plane against the fake service and a real echo server. */
@Timeout(120)
class SsmHopTest {

    private EventLoopGroup group;
    private Channel echo;
    private FakeSsmService fake;
    private AwsSdkSsmApi api;
    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        echo = dev.fumidai.ssm.internal.session.TestPeersAccess.echoServer(group);
        fake = FakeSsmService.builder().start();
        api = AwsSdkSsmApi.builder().region("us-east-1").endpointOverride(fake.endpoint())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "example")))
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
        fake.close();
        echo.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private HopContext context() {
        AtomicLong seq = new AtomicLong();
        AuditEmitter audit = new AuditEmitter() {
            @Override
            public EventHeader header() {
                return new EventHeader(UUID.randomUUID().toString(), "test", seq.incrementAndGet(), Instant.now(),
                        Actor.of("test"), new Origin("localhost", "test", 1, "0"), "s-1");
            }

            @Override
            public void emit(AuditEvent event) {
                events.add(event);
            }

            @Override
            public CompletableFuture<Void> emitOpening(AuditEvent event) {
                events.add(event);
                return CompletableFuture.completedFuture(null);
            }
        };
        return new HopContext() {
            @Override
            public int hopIndex() {
                return 0;
            }

            @Override
            public EventLoopGroup eventLoopGroup() {
                return group;
            }

            @Override
            public StreamOpener upstream() {
                return t -> CompletableFuture.failedFuture(new IllegalStateException("an SSM hop needs no upstream"));
            }

            @Override
            public AuditEmitter audit() {
                return audit;
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public Duration connectTimeout() {
                return Duration.ofSeconds(10);
            }

            @Override
            public Duration handshakeTimeout() {
                return Duration.ofSeconds(10);
            }

            @Override
            public String newConnectionId() {
                return "c-" + UUID.randomUUID();
            }
        };
    }

    private HopSession connect(String document) throws Exception {
        SsmHop hop = SsmHop.builder("i-0123456789abcdef0").region("us-east-1").document(document).api(api)
                .insecurePlaintextWebSocketForTesting().build();
        return hop.connect(context()).get(10, TimeUnit.SECONDS);
    }

    private int echoPort() {
        return ((InetSocketAddress) echo.localAddress()).getPort();
    }

    /** Writes bytes on a stream and returns what came back once {@code expected} bytes arrived. */
    private static byte[] roundTrip(Channel s, byte[] data) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        CompletableFuture<Void> done = new CompletableFuture<>();
        s.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                try {
                    byte[] a = new byte[b.readableBytes()];
                    b.readBytes(a);
                    synchronized (got) {
                        got.writeBytes(a);
                        if (got.size() >= data.length) {
                            done.complete(null);
                        }
                    }
                } finally {
                    b.release();
                }
            }
        });
        s.config().setAutoRead(true);
        s.writeAndFlush(Unpooled.wrappedBuffer(data));
        done.get(30, TimeUnit.SECONDS);
        synchronized (got) {
            return got.toByteArray();
        }
    }

    @Test
    void execAndRemoteForwardAreRefusedWithATypedErrorNamingTheHop() throws Exception {
        SsmHop hop = SsmHop.builder("i-0123456789abcdef0").region("us-east-1").api(api)
                .insecurePlaintextWebSocketForTesting().build();
        try (dev.fumidai.JumpHost jh = dev.fumidai.JumpHost.builder().route(Route.of(hop)).actor("test:ssm")
                .build()) {
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> jh.exec("true", java.time.Duration.ofSeconds(20)));
            assertInstanceOf(dev.fumidai.UnsupportedHopOperationException.class, e);
            assertTrue(e.getMessage().contains("i-0123456789abcdef0"), e.getMessage());
            assertTrue(e.getMessage().contains("cannot run commands"), e.getMessage());
            e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> jh.remoteForward("", 0, Target.of("127.0.0.1", 1), java.time.Duration.ofSeconds(20)));
            assertInstanceOf(dev.fumidai.UnsupportedHopOperationException.class, e);
            assertTrue(e.getMessage().contains("cannot listen"), e.getMessage());
        }
    }

    @Test
    void routeParseFindsTheSsmTransport() {
        Route r = Route.parse("ssm://i-0123456789abcdef0?region=eu-west-1&document=AWS-StartSSHSession");
        SsmHop hop = assertInstanceOf(SsmHop.class, r.hops().get(0));
        assertEquals("eu-west-1", hop.region());
        assertEquals("AWS-StartSSHSession", hop.document());
        assertEquals("ssm", hop.transport());
        SsmHop ecs = assertInstanceOf(SsmHop.class, Route.parse("ssm://x?target=ecs:prod_0123abcd_0123abcd-1234").hops()
                .get(0));
        assertEquals("ecs:prod_0123abcd_0123abcd-1234", ecs.target());
        assertEquals("ecs:prod_0123abcd_0123abcd-1234",
                StartSessionRequest.ecsTarget("arn:aws:ecs:eu-west-1:1:cluster/prod", "arn:aws:ecs:eu-west-1:1:task/prod/0123abcd",
                        "0123abcd-1234"));
        assertThrows(IllegalArgumentException.class, () -> Route.parse("ssm://host.example?region=x"));
        assertThrows(IllegalArgumentException.class, () -> Route.parse("ssm://i-01234567?colour=red"));
    }

    @Test
    void streamsToOneTargetShareOneSsmSessionAndAreAudited() throws Exception {
        HopSession hs = connect(SsmHop.DEFAULT_DOCUMENT);
        Target t = Target.of("127.0.0.1", echoPort());
        byte[] a = "first stream".getBytes();
        byte[] b = new byte[100_000];
        new java.util.Random(5).nextBytes(b);
        assertArrayEquals(a, roundTrip(hs.open(t).get(20, TimeUnit.SECONDS), a));
        assertArrayEquals(b, roundTrip(hs.open(t).get(20, TimeUnit.SECONDS), b));
        assertEquals(1, fake.sessions().size(), "one SSM session per destination");
        FakeSession fs = fake.sessions().get(0);
        assertEquals("AWS-StartPortForwardingSessionToRemoteHost", fs.document());
        assertEquals(2, fs.streamsOpened());
        HopConnected hc = (HopConnected) events.stream().filter(e -> e instanceof HopConnected).findFirst()
                .orElseThrow();
        assertEquals(Outcome.SUCCESS, hc.outcome());
        assertEquals(fs.id(), hc.hop().ssmSessionId());
        assertEquals("i-0123456789abcdef0", hc.hop().ssmTarget());
        assertEquals(fs.id(), hs.info().ssmSessionId());

        hs.close().get(20, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!fs.isTerminated() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(fs.isTerminated(), "close ends the SSM session");
        assertTrue(fs.flagsReceived().contains(Flag.TERMINATE_SESSION.code()), "TerminateSession flag sent");
    }

    @Test
    void aPlaintextStreamUrlFailsTheStreamUnlessTheHopOptsIn() throws Exception {
        SsmHop hop = SsmHop.builder("i-0123456789abcdef0").region("us-east-1").api(api).build();
        HopSession hs = hop.connect(context()).get(10, TimeUnit.SECONDS);
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> hs.open(Target.of("127.0.0.1", echoPort())).get(20, TimeUnit.SECONDS));
        HopHandshakeException h = assertInstanceOf(HopHandshakeException.class, e.getCause());
        assertTrue(h.getMessage().contains("refused StreamUrl scheme ws://"), h.getMessage());
        hs.close().get(20, TimeUnit.SECONDS);
        SsmHop byUri = (SsmHop) Route.parse("ssm://i-0123456789abcdef0?region=us-east-1"
                + "&insecurePlaintextWebSocketForTesting=true").hops().get(0);
        assertTrue(byUri.insecurePlaintextWebSocketForTesting());
        assertThrows(IllegalArgumentException.class, () -> Route.parse("ssm://i-0123456789abcdef0"
                + "?insecurePlaintextWebSocketForTesting=yes"));
    }

    @Test
    void aRefusedDestinationIsATargetUnreachableStream() throws Exception {
        Channel dead = dev.fumidai.ssm.internal.session.TestPeersAccess.echoServer(group);
        int port = ((InetSocketAddress) dead.localAddress()).getPort();
        dead.close().sync();
        HopSession hs = connect(SsmHop.DEFAULT_DOCUMENT);
        Channel s = hs.open(Target.of("127.0.0.1", port)).get(20, TimeUnit.SECONDS);
        s.config().setAutoRead(true);
        assertTrue(s.closeFuture().await(10, TimeUnit.SECONDS));
        TargetUnreachableException e = assertInstanceOf(TargetUnreachableException.class,
                s.attr(StreamChannels.CLOSE_CAUSE).get());
        assertTrue(e.getMessage().startsWith("ssm hop \"i-0123456789abcdef0\" => 127.0.0.1:" + port), e.getMessage());
        hs.close().get(20, TimeUnit.SECONDS);
    }

    @Test
    void anUnknownDocumentFailsTheOpenWithTheServiceError() throws Exception {
        HopSession hs = connect("Custom-NotThere");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> hs.open(Target.of("localhost", echoPort())).get(20, TimeUnit.SECONDS));
        HopHandshakeException h = assertInstanceOf(HopHandshakeException.class, e.getCause());
        assertTrue(h.getMessage().contains("InvalidDocument"), h.getMessage());
        assertNotNull(hs.close().get(20, TimeUnit.SECONDS) == null ? "closed" : null);
    }

    @Test
    void sshSessionDocumentCarriesARawStreamInBasicMode() throws Exception {
        HopSession hs = connect("AWS-StartSSHSession");
        byte[] a = new byte[50_000];
        new java.util.Random(6).nextBytes(a);
        assertArrayEquals(a, roundTrip(hs.open(Target.of("localhost", echoPort())).get(20, TimeUnit.SECONDS), a));
        FakeSession fs = fake.sessions().get(0);
        assertEquals("AWS-StartSSHSession", fs.document());
        assertTrue(!fs.isMux(), "a document without type LocalPortForwarding is a plain stream (§8.6)");
        hs.close().get(20, TimeUnit.SECONDS);
    }

    @Test
    void localhostDocumentsRefuseOtherHostsBeforeCallingAws() throws Exception {
        HopSession hs = connect("AWS-StartPortForwardingSession");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> hs.open(Target.of("db.internal", 5432)).get(10, TimeUnit.SECONDS));
        assertInstanceOf(TargetUnreachableException.class, e.getCause());
        assertEquals(0, fake.sessions().size());
        byte[] a = "on the instance".getBytes();
        assertArrayEquals(a, roundTrip(hs.open(Target.of("localhost", echoPort())).get(20, TimeUnit.SECONDS), a));
        hs.close().get(20, TimeUnit.SECONDS);
    }
}
