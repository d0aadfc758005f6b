// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.benchmarks.ssm;

import dev.fumidai.JumpHost;
import dev.fumidai.Route;
import dev.fumidai.Target;
import dev.fumidai.TunnelConnection;
import dev.fumidai.ssm.AwsSdkSsmApi;
import dev.fumidai.ssm.SsmHop;
import dev.fumidai.ssm.fake.FakeSsmService;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Moves {@value SsmBench#BYTES} bytes through a {@link JumpHost} whose route is one {@link SsmHop} to the fake
 * Session Manager service over TLS (wss, and https for the API), then to a TCP destination on loopback, per
 * operation: {@code upload} (client to destination) or {@code download}. {@code pacing=agent} makes the fake agent
 * send at most 1 KiB per message and one message per millisecond, as the real agent does (SSM spec §9), which
 * bounds downloads at 1.024 MB/s. One operation opens one smux stream on the shared SSM session.
 * Compare with {@link TlsWebSocketBenchmark} from the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 4)
@Fork(1)
public class SsmThroughputBenchmark {

    @Param({"upload", "download"})
    public String direction;

    @Param({"none", "agent"})
    public String pacing;

    private Path dir;
    private FakeSsmService fake;
    private AwsSdkSsmApi api;
    private SsmBench.BulkServer destination;
    private JumpHost jumpHost;

    /** Starts the fake over TLS, the destination and a JumpHost whose first stream starts the SSM session. */
    @Setup(Level.Trial)
    public void open() throws Exception {
        dir = java.nio.file.Files.createTempDirectory("fumidai-bench-ssm");
        KeyStore ks = SsmBench.keytool(dir.resolve("fake.p12"));
        // The AWS SDK's URL connection client uses the JDK's default trust: point it at the fake's certificate.
        System.setProperty("javax.net.ssl.trustStore", dir.resolve("fake.p12").toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        fake = FakeSsmService.builder().tls(SsmBench.server(ks)).realAgentPacing(pacing.equals("agent")).start();
        api = AwsSdkSsmApi.builder().region("us-east-1").endpointOverride(fake.endpoint())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "bench")))
                .build();
        destination = new SsmBench.BulkServer();
        SsmHop hop = SsmHop.builder("i-0123456789abcdef0").region("us-east-1")
                .document("AWS-StartPortForwardingSession").api(api).sslContext(SsmBench.clientJdk(ks)).build();
        jumpHost = JumpHost.builder().route(Route.of(hop)).actor("bench:ssm").build();
        try (TunnelConnection c = connect()) {
            c.shutdownOutput();
        }
    }

    private TunnelConnection connect() throws Exception {
        return jumpHost.connect(Target.of("127.0.0.1", destination.port()), Duration.ofSeconds(30));
    }

    /** Moves the bytes through one new stream. */
    @Benchmark
    public long transfer() throws Exception {
        try (TunnelConnection c = connect()) {
            return SsmBench.transfer(direction, c.inputStream(), c.outputStream());
        }
    }

    /** Stops everything. */
    @TearDown(Level.Trial)
    public void close() throws Exception {
        jumpHost.close();
        api.close();
        fake.close();
        destination.close();
        SsmBench.deleteTree(dir);
    }
}
