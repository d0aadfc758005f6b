// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.ssm.fake.FakeSsmService;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Resolves by-name targets against a fake ECS (JSON 1.1, {@code DescribeTasks}) and EC2 (Query protocol, XML
 * {@code DescribeInstances}) endpoint on 127.0.0.1, and checks the message when an optional SDK module is missing.
 */
@Timeout(120)
class SsmTargetNamesTest {

    private static final Duration T = Duration.ofSeconds(20);
    private static final String RUNTIME = "0123456789abcdef0123456789abcdef-3107182542";
    private static final String TASK = "0123456789abcdef0123456789abcdef";

    private FakeLookups lookups;

    @BeforeEach
    void start() throws IOException {
        lookups = new FakeLookups();
    }

    @AfterEach
    void stop() throws IOException {
        lookups.close();
    }

    private AwsSdkSsmApi.Builder clients() {
        return AwsSdkSsmApi.builder().region("us-east-1").lookupEndpoint(lookups.endpoint())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "example")));
    }

    private static String ec2Response(String... ids) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeInstancesResponse"
                + " xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>5e1f0a1b-0000-4000-8000-"
                + "000000000001</requestId><reservationSet>");
        for (String id : ids) {
            sb.append("<item><reservationId>r-0").append(id.substring(3)).append("</reservationId><ownerId>"
                    + "111122223333</ownerId><groupSet/><instancesSet><item><instanceId>").append(id)
                    .append("</instanceId><instanceState><code>16</code><name>running</name></instanceState>"
                            + "<tagSet><item><key>Name</key><value>web-1</value></item></tagSet></item>"
                            + "</instancesSet></item>");
        }
        return sb.append("</reservationSet></DescribeInstancesResponse>").toString();
    }

    private String resolve(String target) throws Exception {
        try {
            return SsmTargetNames.resolve(target, clients(), "ssm hop test").get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void anEc2InstanceIsFoundByItsNameTag() throws Exception {
        lookups.ec2Body = ec2Response("i-0123456789abcdef0");
        assertEquals("i-0123456789abcdef0", resolve("name:web-1"));
        String q = lookups.requests.get(0);
        assertTrue(q.contains("Action=DescribeInstances"), q);
        assertTrue(q.contains("Filter.1.Name=tag:Name") && q.contains("Filter.1.Value.1=web-1"), q);
        assertTrue(q.contains("Filter.2.Name=instance-state-name") && q.contains("Filter.2.Value.1=running"), q);
    }

    @Test
    void noneOrSeveralInstancesWithTheNameAreClearErrors() throws Exception {
        lookups.ec2Body = ec2Response();
        Exception none = assertThrows(Exception.class, () -> resolve("name:web-1"));
        assertTrue(none.getMessage().contains("no running EC2 instance has the Name tag \"web-1\""), none.getMessage());
        assertTrue(none.getMessage().contains("ssm hop test"), none.getMessage());
        lookups.ec2Body = ec2Response("i-0123456789abcdef0", "i-0fedcba9876543210");
        Exception two = assertThrows(Exception.class, () -> resolve("name:web-1"));
        assertTrue(two.getMessage().contains("2 running EC2 instances")
                && two.getMessage().contains("i-0123456789abcdef0, i-0fedcba9876543210"), two.getMessage());
    }

    @Test
    void anEcsContainerIsFoundByClusterTaskAndContainerNames() throws Exception {
        lookups.ecsBody = "{\"tasks\":[{\"taskArn\":\"arn:aws:ecs:us-east-1:111122223333:task/prod/" + TASK
                + "\",\"lastStatus\":\"RUNNING\",\"containers\":[{\"name\":\"sidecar\",\"runtimeId\":\"x-1\"},"
                + "{\"name\":\"web\",\"runtimeId\":\"" + RUNTIME + "\",\"lastStatus\":\"RUNNING\"}]}],"
                + "\"failures\":[]}";
        assertEquals("ecs:prod_" + TASK + "_" + RUNTIME, resolve("ecs:prod/" + TASK + "/web"));
        String body = lookups.requests.get(0);
        assertTrue(body.contains("X-Amz-Target: AmazonEC2ContainerServiceV20141113.DescribeTasks"), body);
        assertTrue(body.contains("\"cluster\":\"prod\"") && body.contains("\"tasks\":[\"" + TASK + "\"]"), body);
        Exception e = assertThrows(Exception.class, () -> resolve("ecs:prod/" + TASK + "/db"));
        assertTrue(e.getMessage().contains("no container db") && e.getMessage().contains("[sidecar, web]"),
                e.getMessage());
        lookups.ecsBody = "{\"tasks\":[],\"failures\":[{\"arn\":\"" + TASK + "\",\"reason\":\"MISSING\"}]}";
        Exception missing = assertThrows(Exception.class, () -> resolve("ecs:prod/" + TASK + "/web"));
        assertTrue(missing.getMessage().contains("MISSING"), missing.getMessage());
    }

    @Test
    void anEcsTargetByNameOpensATunnelThroughTheFakeSessionManager() throws Exception {
        lookups.ecsBody = "{\"tasks\":[{\"taskArn\":\"arn:aws:ecs:us-east-1:111122223333:task/prod/" + TASK
                + "\",\"containers\":[{\"name\":\"web\",\"runtimeId\":\"" + RUNTIME + "\"}]}],\"failures\":[]}";
        String resolved = "ecs:prod_" + TASK + "_" + RUNTIME;
        List<dev.fumidai.audit.AuditEvent> events = tunnelByName("ecs:prod/" + TASK + "/web", resolved);
        assertAuditCarries(events, "ecs:prod/" + TASK + "/web", resolved);
    }

    /**
     * The audit trail of a by-name target names the instance or task Session Manager was asked for: every hop
     * description ({@code hop.connect}, {@code hop.disconnect}, the {@code hops[]} of {@code forward.open}) carries
     * the resolved id as {@code ssm_target}, the requested form as {@code host}, and the hop's name stays the
     * requested form; the EC2 form here, the ECS form above.
     */
    @Test
    void anEc2TargetByNameOpensATunnelAndTheAuditNamesTheInstance() throws Exception {
        lookups.ec2Body = ec2Response("i-0123456789abcdef0");
        List<dev.fumidai.audit.AuditEvent> events = tunnelByName("name:web-1", "i-0123456789abcdef0");
        assertAuditCarries(events, "name:web-1", "i-0123456789abcdef0");
    }

    private static void assertAuditCarries(List<dev.fumidai.audit.AuditEvent> events, String requested,
            String resolved) {
        List<dev.fumidai.audit.HopInfo> hops = new java.util.ArrayList<>();
        for (dev.fumidai.audit.AuditEvent e : events) {
            if (e instanceof dev.fumidai.audit.HopConnected hc) {
                hops.add(hc.hop());
            } else if (e instanceof dev.fumidai.audit.HopDisconnected hd) {
                hops.add(hd.hop());
            } else if (e instanceof dev.fumidai.audit.ForwardOpened fo) {
                hops.addAll(fo.hops());
            }
        }
        assertTrue(events.stream().anyMatch(e -> e instanceof dev.fumidai.audit.HopConnected), events.toString());
        assertTrue(events.stream().anyMatch(e -> e instanceof dev.fumidai.audit.ForwardOpened), events.toString());
        for (dev.fumidai.audit.HopInfo h : hops) {
            assertEquals(resolved, h.ssmTarget(), "the resolved target id: " + h);
            assertEquals(requested, h.host(), "the requested name: " + h);
            assertEquals(requested, h.name(), "the hop's name: " + h);
        }
    }

    /** Opens a tunnel through a by-name hop, echoes a line, and returns the audit events recorded. */
    private List<dev.fumidai.audit.AuditEvent> tunnelByName(String target, String resolved) throws Exception {
        List<dev.fumidai.audit.AuditEvent> events = new CopyOnWriteArrayList<>();
        dev.fumidai.audit.AuditSink sink = new dev.fumidai.audit.AuditSink() {
            @Override
            public String name() {
                return "by-name";
            }

            @Override
            public dev.fumidai.audit.AuditPolicy policy() {
                return dev.fumidai.audit.AuditPolicy.FAIL_CLOSED;
            }

            @Override
            public void accept(dev.fumidai.audit.AuditEvent event) {
                events.add(event);
            }

            @Override
            public void close() {
            }
        };
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel echo = dev.fumidai.ssm.internal.session.TestPeersAccess.echoServer(group);
        try (FakeSsmService fake = FakeSsmService.builder().start()) {
            SsmHop hop = SsmHop.builder(target).region("us-east-1")
                    .endpointOverride(fake.endpoint()).lookupEndpointOverride(lookups.endpoint())
                    .insecurePlaintextWebSocketForTesting()
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE",
                            "example"))).build();
            int port = ((InetSocketAddress) echo.localAddress()).getPort();
            byte[] data = "by name\n".getBytes(StandardCharsets.UTF_8);
            try (JumpHost jh = JumpHost.builder().route(Route.of(hop)).actor("test:by-name").handshakeTimeout(T)
                    .auditSink(sink).build(); TunnelConnection c = jh.connect(Target.of("127.0.0.1", port), T)) {
                c.outputStream().write(data);
                c.outputStream().flush();
                assertEquals("by name\n", new String(c.inputStream().readNBytes(data.length),
                        StandardCharsets.UTF_8));
            }
            assertEquals(resolved, fake.sessions().get(0).target());
        } finally {
            echo.close().sync();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        return events;
    }

    @Test
    void aMissingSdkModuleIsNamedInTheError() {
        ClassLoader hiding = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("software.amazon.awssdk.services.ec2.")) {
                    throw new ClassNotFoundException(name);
                }
                return super.loadClass(name, resolve);
            }
        };
        SsmTargetNames.requireSdk(getClass().getClassLoader(), "software.amazon.awssdk.services.ec2.Ec2Client",
                "software.amazon.awssdk:ec2", "x");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SsmTargetNames.requireSdk(hiding,
                "software.amazon.awssdk.services.ec2.Ec2Client", "software.amazon.awssdk:ec2",
                "the EC2 target \"name:web-1\""));
        assertTrue(e.getMessage().contains("add software.amazon.awssdk:ec2"), e.getMessage());
        assertTrue(e.getMessage().contains("name:web-1"), e.getMessage());
    }

    @Test
    void theByNameFormsAreValidTargets() {
        assertEquals("name:web-1", SsmHop.builder("name:web-1").build().target());
        assertEquals("ecs:prod/t/web", SsmHop.builder("ecs:prod/t/web").build().target());
        SsmHop byUri = (SsmHop) new SsmHopFactory().create(URI.create("ssm://name:web-1?region=us-east-1"));
        assertEquals("name:web-1", byUri.target());
        SsmHop ecsUri = (SsmHop) new SsmHopFactory().create(URI.create("ssm://x?target=ecs:prod/t/web"));
        assertEquals("ecs:prod/t/web", ecsUri.target());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SsmHop.builder("web-1"));
        assertTrue(e.getMessage().contains("name:<Name tag>"), e.getMessage());
    }

    /** Answers ECS (JSON 1.1) and EC2 (Query) calls on 127.0.0.1, one request per connection. */
    static final class FakeLookups implements AutoCloseable {
        final List<String> requests = new CopyOnWriteArrayList<>();
        volatile String ecsBody = "{\"tasks\":[],\"failures\":[]}";
        volatile String ec2Body;
        private final ServerSocket server;

        FakeLookups() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::loop, "fake-lookups");
            t.setDaemon(true);
            t.start();
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort());
        }

        private void loop() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    serve(s);
                } catch (IOException e) {
                    // closed, or a client went away
                }
            }
        }

        private void serve(Socket s) throws IOException {
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (head.size() < 65_536) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.write(b);
                String h = head.toString(StandardCharsets.ISO_8859_1);
                if (h.endsWith("\r\n\r\n")) {
                    break;
                }
            }
            String h = head.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            for (String line : h.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            String body = new String(in.readNBytes(Math.min(length, 1 << 20)), StandardCharsets.UTF_8);
            String reply;
            String type;
            if (h.contains("X-Amz-Target: AmazonEC2ContainerServiceV20141113.DescribeTasks")) {
                requests.add(h + body);
                reply = ecsBody;
                type = "application/x-amz-json-1.1";
            } else {
                requests.add(URLDecoder.decode(body, StandardCharsets.UTF_8));
                reply = ec2Body;
                type = "text/xml;charset=UTF-8";
            }
            byte[] out = reply.getBytes(StandardCharsets.UTF_8);
            OutputStream o = s.getOutputStream();
            o.write(("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nx-amzn-RequestId: 5e1f0a1b-0000-4000-8000-"
                    + "000000000002\r\nContent-Length: " + out.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            o.write(out);
            o.flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
