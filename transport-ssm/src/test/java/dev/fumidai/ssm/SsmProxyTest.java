// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.ssm.fake.FakeSsmService;
import dev.fumidai.ssm.fake.LoopbackRelayProxy;
import dev.fumidai.ssm.internal.session.HttpsProxy;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Sends the control-plane calls and the data-channel websocket through an HTTP proxy on 127.0.0.1 (written here:
 * it reads the request head, connects to the loopback target, answers 200 to CONNECT or forwards the
 * absolute-form request, then relays), and checks NO_PROXY and the JDK properties.
 */
@Timeout(120)
class SsmProxyTest {

    private static final Duration T = Duration.ofSeconds(20);

    private EventLoopGroup group;
    private Channel echo;
    private FakeSsmService fake;
    private LoopbackRelayProxy proxy;

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        echo = dev.fumidai.ssm.internal.session.TestPeersAccess.echoServer(group);
        fake = FakeSsmService.builder().start();
        proxy = new LoopbackRelayProxy();
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        fake.close();
        echo.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private SsmHop hop(Map<String, String> env, Properties props) {
        return SsmHop.builder("i-0123456789abcdef0").region("us-east-1").endpointOverride(fake.endpoint())
                .insecurePlaintextWebSocketForTesting()
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE",
                        "example")))
                .proxyEnvironment(env, props).build();
    }

    private void roundTrip(SsmHop hop) throws Exception {
        int echoPort = ((InetSocketAddress) echo.localAddress()).getPort();
        byte[] data = "through the proxy\n".repeat(500).getBytes(StandardCharsets.UTF_8);
        try (JumpHost jh = JumpHost.builder().route(Route.of(hop)).actor("test:proxy").handshakeTimeout(T).build();
                TunnelConnection c = jh.connect(Target.of("127.0.0.1", echoPort), T)) {
            c.outputStream().write(data);
            c.outputStream().flush();
            assertArrayEquals(data, c.inputStream().readNBytes(data.length), "echoed through the fake Session Manager"
                    + " (proxy relayed " + proxy.relayed() + ")");
        }
    }

    @Test
    void theApiCallAndTheWebsocketBothGoThroughTheProxy() throws Exception {
        roundTrip(hop(Map.of("HTTPS_PROXY", "http://127.0.0.1:" + proxy.port()), new Properties()));
        int fakePort = fake.endpoint().getPort();
        List<String> seen = proxy.relayed();
        assertTrue(seen.size() >= 2, "StartSession and the websocket through the proxy: " + seen);
        assertTrue(seen.contains("CONNECT 127.0.0.1:" + fakePort), "the websocket tunnelled with CONNECT: " + seen);
        assertTrue(seen.stream().anyMatch(s -> s.startsWith("POST ") && s.endsWith(":" + fakePort)),
                "StartSession went to the proxy: " + seen);
        assertEquals(1, fake.sessions().size());
    }

    @Test
    void theJdkPropertiesNameTheProxyToo() throws Exception {
        Properties p = new Properties();
        p.setProperty("https.proxyHost", "127.0.0.1");
        p.setProperty("https.proxyPort", Integer.toString(proxy.port()));
        roundTrip(hop(Map.of(), p));
        assertTrue(proxy.relayed().contains("CONNECT 127.0.0.1:" + fake.endpoint().getPort()), proxy.relayed()
                .toString());
        assertTrue(proxy.relayed().size() >= 2, proxy.relayed().toString());
    }

    @Test
    void noProxyListingTheHostBypassesTheProxy() throws Exception {
        roundTrip(hop(Map.of("https_proxy", "127.0.0.1:" + proxy.port(), "NO_PROXY", "example.com, 127.0.0.1"),
                new Properties()));
        assertEquals(List.of(), proxy.relayed(), "NO_PROXY lists 127.0.0.1: nothing went through the proxy");
        // A hop pointed at a custom SSM endpoint asks STS for the caller's ARN only where it is told to: nothing,
        // not even a refused request, goes towards AWS's public STS.
        assertEquals(List.of(), proxy.refused(), "no request for any other destination");
    }

    @Test
    void proxySettingsAreReadAsTheAwsCliReadsThem() {
        Properties none = new Properties();
        assertNull(HttpsProxy.resolve(Map.of(), none));
        HttpsProxy lower = HttpsProxy.resolve(Map.of("https_proxy", "http://u%40x:p%3Aw@proxy.corp:3128",
                "HTTPS_PROXY", "http://other:1"), none);
        assertEquals("proxy.corp", lower.host());
        assertEquals(3128, lower.port());
        assertEquals("u@x", lower.username());
        assertEquals("p:w", lower.password());
        assertFalse(lower.toString().contains("p:w"), "the password is not printed");
        HttpsProxy bare = HttpsProxy.resolve(Map.of("HTTPS_PROXY", "proxy.corp"), none);
        assertEquals(80, bare.port(), "no port: 80, as the AWS CLI's urllib3");
        HttpsProxy np = HttpsProxy.resolve(Map.of("HTTPS_PROXY", "proxy:8080",
                "NO_PROXY", ".internal, amazonaws.com,10.0.0.1:443,[::1]"), none);
        assertTrue(np.bypasses("ssm.eu-west-1.amazonaws.com"));
        assertTrue(np.bypasses("amazonaws.com"));
        assertFalse(np.bypasses("notamazonaws.com"));
        assertTrue(np.bypasses("a.internal"));
        assertTrue(np.bypasses("10.0.0.1"));
        assertTrue(np.bypasses("::1"));
        assertFalse(np.bypasses("127.0.0.1"), "loopback is not bypassed unless listed");
        assertTrue(HttpsProxy.resolve(Map.of("HTTPS_PROXY", "p:1", "no_proxy", "*"), none).bypasses("x"));
        Properties jdk = new Properties();
        jdk.setProperty("https.proxyHost", "jdk-proxy");
        jdk.setProperty("http.nonProxyHosts", "*.corp|localhost|10.*");
        HttpsProxy j = HttpsProxy.resolve(Map.of(), jdk);
        assertEquals(443, j.port(), "https.proxyPort defaults to 443, as the JDK's");
        assertTrue(j.bypasses("db.corp"));
        assertTrue(j.bypasses("10.1.2.3"));
        assertTrue(j.bypasses("localhost"));
        assertFalse(j.bypasses("ssm.us-east-1.amazonaws.com"));
        assertEquals("env-proxy", HttpsProxy.resolve(Map.of("HTTPS_PROXY", "env-proxy:1"), jdk).host(),
                "the environment wins over the JDK properties");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpsProxy.resolve(Map.of("HTTPS_PROXY", "socks5://p:1080"), none));
        assertTrue(e.getMessage().contains("HTTPS_PROXY") && e.getMessage().contains("socks5"), e.getMessage());
    }

    @Test
    void anUnusableProxySettingFailsTheHopNamingTheVariable() {
        SsmHop h = hop(Map.of("HTTPS_PROXY", "socks5://127.0.0.1:1"), new Properties());
        Exception e = assertThrows(Exception.class, () -> roundTrip(h));
        Throwable t = e;
        StringBuilder all = new StringBuilder();
        while (t != null) {
            all.append(t.getMessage()).append('\n');
            t = t.getCause();
        }
        assertTrue(all.toString().contains("HTTPS_PROXY"), all.toString());
        assertEquals(0, proxy.accepted());
    }
}
