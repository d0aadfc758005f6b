// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.examples.cli.FumidaiCli;
import dev.fumidai.ssm.fake.FakeAwsIdentity;
import dev.fumidai.ssm.fake.FakeSsmService;
import dev.fumidai.ssm.fake.LoopbackRelayProxy;
import dev.fumidai.ssm.fake.SigV4Verifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code fumidai} command in a child JVM with {@code --profile} for each kind of AWS profile an
 * organisation hands out: an {@code sso_session} profile with a token cached by {@code aws sso login}, an assume-role
 * profile ({@code role_arn} + {@code source_profile}) and a web-identity profile ({@code role_arn} +
 * {@code web_identity_token_file}). The child's environment is a user's shell with nothing of the parent's AWS
 * settings: every {@code AWS_*} variable is removed, HOME, the config and credentials files are temporary, and the
 * endpoints of every service the path uses point at fakes on 127.0.0.1 (through {@code AWS_ENDPOINT_URL_*}, or the
 * profile's {@code services} section). The fake Session Manager checks that StartSession was signed with the
 * credentials the fake SSO portal or STS issued, so a tunnel opened with any other credentials fails.
 *
 * <p>No request can reach AWS: the child's JDK and SDK proxy settings send every host but loopback to a trap proxy
 * that refuses and records it, and each test fails when the trap saw anything.
 */
@Timeout(300)
class CliAwsProfilesIT {

    private static final String ACCOUNT = "111122223333";
    private static final String TARGET = "i-0123456789abcdef0";

    @TempDir
    Path dir;

    private final Map<String, SigV4Verifier.Issued> issued = new ConcurrentHashMap<>();
    private FakeAwsIdentity identity;
    private FakeSsmService ssm;
    private LoopbackRelayProxy trap;
    private ServerSocket service;

    @BeforeEach
    void start() throws Exception {
        trap = new LoopbackRelayProxy();
        identity = new FakeAwsIdentity(issued);
        ssm = FakeSsmService.builder().verifySignatures(issued).start();
        service = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serve, "it-upper-case");
        t.setDaemon(true);
        t.start();
        identity.addUser("AKIDBASEUSER0001", "base-secret-0001", "arn:aws:iam::" + ACCOUNT + ":user/base");
        Path cache = Files.createDirectories(dir.resolve("home/.aws/sso/cache"));
        String ssoToken = "sso-access-token-" + System.nanoTime();
        identity.acceptSsoToken(ssoToken);
        String startUrl = "https://corp.awsapps.com/start";
        Files.writeString(cache.resolve(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest("corp".getBytes(StandardCharsets.UTF_8))) + ".json"), "{\"startUrl\":\"" + startUrl
                + "\",\"region\":\"us-east-1\",\"accessToken\":\"" + ssoToken + "\",\"expiresAt\":\""
                + Instant.now().plusSeconds(3600) + "\"}");
        String jwt = "eyJhbGciOiJSUzI1NiJ9.fake-web-identity." + System.nanoTime();
        identity.acceptWebIdentityToken(jwt);
        Files.writeString(dir.resolve("web-identity-token"), jwt);
        Files.writeString(dir.resolve("config"), String.join("\n",
                "[profile sso-dev]",
                "sso_session = corp",
                "sso_account_id = " + ACCOUNT,
                "sso_role_name = Developer",
                "region = eu-west-1",
                "",
                "[sso-session corp]",
                "sso_region = us-east-1",
                "sso_start_url = " + startUrl,
                "sso_registration_scopes = sso:account:access",
                "",
                "[profile admin]",
                "role_arn = arn:aws:iam::" + ACCOUNT + ":role/Admin",
                "source_profile = base",
                "region = eu-west-1",
                "",
                "[profile admin-by-config]",
                "role_arn = arn:aws:iam::" + ACCOUNT + ":role/Admin",
                "source_profile = base",
                "region = eu-west-1",
                "services = fakes",
                "",
                "[services fakes]",
                "ssm =",
                "  endpoint_url = " + ssm.endpoint(),
                "sts =",
                "  endpoint_url = " + identity.endpoint(),
                "",
                "[profile web]",
                "role_arn = arn:aws:iam::" + ACCOUNT + ":role/Web",
                "web_identity_token_file = " + dir.resolve("web-identity-token"),
                "role_session_name = cli-web",
                "region = eu-west-1",
                ""));
        // The base user's keys live in the credentials file, as aws configure writes them.
        Files.writeString(dir.resolve("credentials"), String.join("\n",
                "[base]",
                "aws_access_key_id = AKIDBASEUSER0001",
                "aws_secret_access_key = base-secret-0001",
                ""));
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
        ssm.close();
        identity.close();
        trap.close();
    }

    private void serve() {
        while (!service.isClosed()) {
            try {
                Socket s = service.accept();
                Thread t = new Thread(() -> upperCase(s), "it-upper-case-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void upperCase(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line.toUpperCase(Locale.ROOT));
            }
        } catch (IOException e) {
            // the tunnel went away
        }
    }

    record Result(int exit, String out, String err) {
    }

    /**
     * Runs {@code fumidai --profile <profile> -J ssm://<target> -W 127.0.0.1:<service>} in a child JVM with a
     * clean AWS environment plus {@code env}; an empty value in {@code env} leaves that variable unset.
     */
    private Result fumidai(String profile, Map<String, String> env) throws Exception {
        String trapPort = Integer.toString(trap.port());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                // Every HTTP client of the child (the JDK's, and the SDK's own, which read these) sends what is not
                // for loopback to the trap, which refuses and records it.
                "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=" + trapPort, "-Dhttp.proxyHost=127.0.0.1",
                "-Dhttp.proxyPort=" + trapPort, "-Dhttp.nonProxyHosts=127.0.0.1|localhost",
                FumidaiCli.class.getName(), "-F", "none", "--profile", profile, "-J",
                // The fake hands out ws:// stream URLs; a hop follows them only when told to by name.
                "ssm://" + TARGET + "?insecurePlaintextWebSocketForTesting=true", "-W", "127.0.0.1:" + service.getLocalPort()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("AWS_") || k.equalsIgnoreCase("https_proxy")
                || k.equalsIgnoreCase("http_proxy") || k.equalsIgnoreCase("no_proxy"));
        e.put("HOME", dir.resolve("home").toString());
        e.put("AWS_CONFIG_FILE", dir.resolve("config").toString());
        e.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString());
        e.put("AWS_ENDPOINT_URL_SSM", ssm.endpoint().toString());
        e.put("AWS_ENDPOINT_URL_STS", identity.endpoint().toString());
        e.put("AWS_ENDPOINT_URL_SSO", identity.endpoint().toString());
        e.put("AWS_ENDPOINT_URL_SSO_OIDC", identity.endpoint().toString());
        e.put("AWS_ENDPOINT_URL_ECS", identity.endpoint().toString());
        e.put("AWS_ENDPOINT_URL_EC2", identity.endpoint().toString());
        e.put("AWS_EC2_METADATA_DISABLED", "true");
        for (Map.Entry<String, String> x : env.entrySet()) {
            if (x.getValue().isEmpty()) {
                e.remove(x.getKey());
            } else {
                e.put(x.getKey(), x.getValue());
            }
        }
        Process p = pb.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException x) {
                throw new IllegalStateException(x);
            }
        });
        p.getOutputStream().write("hello through ssm\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        // Session Manager streams (smux v1) have no half-close: end of input closes the stream both ways, so the
        // answer is read before standard input is closed.
        BufferedReader stdout = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = stdout.readLine();
        p.getOutputStream().close();
        StringBuilder rest = new StringBuilder();
        for (String line; (line = stdout.readLine()) != null; ) {
            rest.append(line).append('\n');
        }
        String out = first == null ? "" : first + "\n" + rest;
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "fumidai finished in time");
        return new Result(p.exitValue(), out, new String(err.get(60, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }

    /** Checks the tunnel carried the line and StartSession was signed by what {@code identityCall} issued. */
    private void assertTunnelSignedBy(Result r, String arnPart, String identityCall) {
        assertEquals(List.of(), trap.refused(), "requests for hosts other than loopback; stderr: " + r.err());
        assertEquals(0, r.exit(), r.err());
        assertEquals("HELLO THROUGH SSM\n", r.out(), r.err());
        assertTrue(identity.calls().contains(identityCall), identity.calls().toString());
        assertFalse(ssm.signedBy().isEmpty(), "StartSession was signed");
        for (String keyId : ssm.signedBy()) {
            assertTrue(keyId.startsWith("ASIA"), "signed with issued temporary credentials: " + keyId);
            String arn = identity.arnOf(keyId);
            assertTrue(arn != null && arn.contains(arnPart), "signed by " + arn);
        }
        assertEquals(List.of("eu-west-1"), ssm.signingRegions().stream().distinct().toList(),
                "the region came from the profile");
        assertEquals(1, ssm.sessions().size());
        assertEquals(TARGET, ssm.sessions().get(0).target());
    }

    @Test
    void anSsoSessionProfileWithACachedTokenOpensATunnel() throws Exception {
        assertTunnelSignedBy(fumidai("sso-dev", Map.of()), "AWSReservedSSO_Developer", "SSO GetRoleCredentials");
    }

    @Test
    void anAssumeRoleProfileOpensATunnel() throws Exception {
        assertTunnelSignedBy(fumidai("admin", Map.of()), ":assumed-role/Admin/", "STS AssumeRole");
        assertTrue(identity.calls().contains("STS GetCallerIdentity"), "the audit's caller ARN came from the fake"
                + " STS: " + identity.calls());
    }

    /** The endpoints come only from the profile's {@code services} section: no AWS_ENDPOINT_URL_* at all. */
    @Test
    void anAssumeRoleProfileWithItsEndpointsInTheConfigFileOpensATunnel() throws Exception {
        Map<String, String> none = Map.of("AWS_ENDPOINT_URL_SSM", "", "AWS_ENDPOINT_URL_STS", "",
                "AWS_ENDPOINT_URL_SSO", "", "AWS_ENDPOINT_URL_SSO_OIDC", "", "AWS_ENDPOINT_URL_ECS", "",
                "AWS_ENDPOINT_URL_EC2", "");
        assertTunnelSignedBy(fumidai("admin-by-config", none), ":assumed-role/Admin/", "STS AssumeRole");
    }

    /**
     * A web-identity profile with no region in the environment: AssumeRoleWithWebIdentity goes to the profile's
     * region and STS endpoint (the SDK's own provider would call {@code https://sts.amazonaws.com}: the trap).
     */
    @Test
    void aWebIdentityProfileOpensATunnel() throws Exception {
        assertTunnelSignedBy(fumidai("web", Map.of()), ":assumed-role/Web/cli-web", "STS AssumeRoleWithWebIdentity");
    }
}
