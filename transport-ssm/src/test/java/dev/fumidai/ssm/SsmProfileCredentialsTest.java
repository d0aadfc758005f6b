// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.ssm.fake.FakeAwsIdentity;
import dev.fumidai.ssm.fake.FakeSsmService;
import dev.fumidai.ssm.fake.LoopbackRelayProxy;
import dev.fumidai.ssm.fake.SigV4Verifier;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a tunnel with each common kind of AWS profile, resolved by the SDK exactly as the AWS CLI resolves it:
 * an {@code sso_session} profile with a cached token (fake IAM Identity Center portal), an assume-role profile
 * ({@code role_arn} + {@code source_profile}, fake STS AssumeRole) and a web identity token file as EKS IRSA
 * sets it (fake STS AssumeRoleWithWebIdentity); and the other sources of the AWS CLI's chain: environment variables,
 * {@code AWS_PROFILE}, a legacy SSO profile, {@code credential_source = Environment}, {@code credential_process},
 * a container credentials endpoint and IMDSv2 (both small HTTP fakes on loopback). Each runs in a child JVM whose environment points the SDK at the fakes on
 * 127.0.0.1 with {@code AWS_ENDPOINT_URL_SSO}, {@code AWS_ENDPOINT_URL_STS} and {@code AWS_ENDPOINT_URL_SSM}, and
 * at a temporary HOME and config file. The fake Session Manager verifies the SigV4 signature of StartSession
 * with the secret the identity fakes issued, so a tunnel opened with any other credentials fails.
 */
@Timeout(300)
class SsmProfileCredentialsTest {

    private static final String ACCOUNT = "111122223333";
    private static final String TARGET = "i-0123456789abcdef0";
    private static final String LEGACY_START_URL = "https://legacy.awsapps.com/start";

    @TempDir
    Path dir;

    private EventLoopGroup group;
    private Channel echo;
    private final Map<String, SigV4Verifier.Issued> issued = new ConcurrentHashMap<>();
    private FakeAwsIdentity identity;
    private FakeSsmService ssm;
    /**
     * Is where the child JVM's JDK and SDK proxy settings point for every host but loopback: a request that would
     * leave the machine (towards AWS's public endpoints) is refused there and recorded, and fails the test.
     */
    private LoopbackRelayProxy trap;

    @BeforeEach
    void start() throws Exception {
        trap = new LoopbackRelayProxy();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        echo = dev.fumidai.ssm.internal.session.TestPeersAccess.echoServer(group);
        identity = new FakeAwsIdentity(issued);
        ssm = FakeSsmService.builder().verifySignatures(issued).start();
        identity.addUser("AKIDBASEUSER0001", "base-secret-0001", "arn:aws:iam::" + ACCOUNT + ":user/base");
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cache = Files.createDirectories(home.resolve(".aws/sso/cache"));
        String ssoToken = "sso-access-token-" + System.nanoTime();
        identity.acceptSsoToken(ssoToken);
        String startUrl = "https://corp.awsapps.com/start";
        Files.writeString(cache.resolve(sha1Hex("corp") + ".json"), "{\"startUrl\":\"" + startUrl
                + "\",\"region\":\"us-east-1\",\"accessToken\":\"" + ssoToken + "\",\"expiresAt\":\""
                + Instant.now().plusSeconds(3600).toString() + "\"}");
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
                "[profile base]",
                "aws_access_key_id = AKIDBASEUSER0001",
                "aws_secret_access_key = base-secret-0001",
                "region = eu-west-1",
                "",
                "[profile admin]",
                "role_arn = arn:aws:iam::" + ACCOUNT + ":role/Admin",
                "source_profile = base",
                "region = eu-west-1",
                "",
                "[profile forged]",
                "aws_access_key_id = AKIDBASEUSER0001",
                "aws_secret_access_key = not-the-secret",
                "region = eu-west-1",
                "",
                "[profile web]",
                "role_arn = arn:aws:iam::" + ACCOUNT + ":role/Web",
                "web_identity_token_file = " + dir.resolve("web-identity-token"),
                "role_session_name = web-probe",
                "region = eu-west-1",
                "",
                "[profile web-endpoint]",
                "role_arn = arn:aws:iam::" + ACCOUNT + ":role/Web",
                "web_identity_token_file = " + dir.resolve("web-identity-token"),
                "role_session_name = web-probe",
                "region = eu-west-1",
                "services = fakes",
                "",
                "[profile sso-legacy]",
                "sso_start_url = " + LEGACY_START_URL,
                "sso_region = us-east-1",
                "sso_account_id = " + ACCOUNT,
                "sso_role_name = Legacy",
                "region = eu-west-1",
                "",
                "[profile env-role]",
                "role_arn = arn:aws:iam::" + ACCOUNT + ":role/FromEnv",
                "credential_source = Environment",
                "region = eu-west-1",
                "",
                "[profile proc]",
                "credential_process = " + dir.resolve("credential-process.sh"),
                "region = eu-west-1",
                "",
                "[services fakes]",
                "sts =",
                "  endpoint_url = " + identity.endpoint(),
                ""));
        Files.writeString(dir.resolve("credentials"), "");
    }

    @AfterEach
    void stop() throws Exception {
        trap.close();
        ssm.close();
        identity.close();
        echo.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private String[] probe(String profile) throws Exception {
        return probe("?profile=" + profile + "&", Map.of());
    }

    private String[] probe(String query, Map<String, String> extraEnv) throws Exception {
        Process p = startProbe(query, extraEnv, false);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe did not finish");
        return new String[] {String.valueOf(p.exitValue()), out};
    }

    private Process startProbe(String query, Map<String, String> extraEnv, boolean resume) throws Exception {
        int port = ((InetSocketAddress) echo.localAddress()).getPort();
        String trapPort = Integer.toString(trap.port());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                // Every HTTP client of the child (the JDK's, and the SDK's own, which read these) sends what is not
                // for loopback to the trap, which refuses and records it: no test reaches out to AWS.
                "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=" + trapPort, "-Dhttp.proxyHost=127.0.0.1",
                "-Dhttp.proxyPort=" + trapPort, "-Dhttp.nonProxyHosts=127.0.0.1|localhost",
                CredentialProbe.class.getName(),
                "ssm://" + TARGET + query + "insecurePlaintextWebSocketForTesting=true&document=AWS-StartPortForwardingSessionToRemoteHost",
                String.valueOf(port)));
        if (resume) {
            cmd.add("resume");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("HOME", dir.resolve("home").toString());
        env.put("AWS_CONFIG_FILE", dir.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString());
        env.put("AWS_ENDPOINT_URL_SSM", ssm.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_STS", identity.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_SSO", identity.endpoint().toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        for (Map.Entry<String, String> e : extraEnv.entrySet()) {
            if (e.getValue().isEmpty()) {
                env.remove(e.getKey()); // an empty value in extraEnv unsets the variable
            } else {
                env.put(e.getKey(), e.getValue());
            }
        }
        return pb.start();
    }

    private void assertTunnelSignedBy(String profile, String arnPart, String identityCall) throws Exception {
        assertTunnelSignedBy(probe(profile), arnPart, identityCall);
    }

    private void assertTunnelSignedBy(String[] r, String arnPart, String identityCall) {
        assertEquals(List.of(), trap.refused(), "requests for hosts other than loopback: " + r[1]);
        assertEquals("0", r[0], r[1]);
        assertTrue(r[1].contains("OK"), r[1]);
        assertTrue(identity.calls().contains(identityCall), identity.calls().toString());
        assertTrue(!ssm.signedBy().isEmpty(), "StartSession was signed");
        for (String keyId : ssm.signedBy()) {
            assertTrue(keyId.startsWith("ASIA"), "signed with issued temporary credentials: " + keyId);
            String arn = identity.arnOf(keyId);
            assertTrue(arn != null && arn.contains(arnPart), "signed by " + arn);
        }
        assertEquals(List.of("eu-west-1"), ssm.signingRegions().stream().distinct().toList(),
                "the region came from the profile");
        // credential.aws carries the caller's ARN from STS GetCallerIdentity, and the access key id stays.
        String keyId = ssm.signedBy().get(0);
        assertTrue(r[1].contains("IDENTITY " + identity.arnOf(keyId) + " " + keyId), r[1]);
        assertEquals(1, identity.calls().stream().filter("STS GetCallerIdentity"::equals).count(),
                "GetCallerIdentity once per session: " + identity.calls());
    }

    @Test
    void anSsoSessionProfileWithACachedTokenOpensATunnel() throws Exception {
        assertTunnelSignedBy("sso-dev", "AWSReservedSSO_Developer", "SSO GetRoleCredentials");
    }

    @Test
    void anAssumeRoleProfileOpensATunnel() throws Exception {
        assertTunnelSignedBy("admin", ":assumed-role/Admin/", "STS AssumeRole");
    }

    /**
     * EKS IRSA: no profile; the pod's environment names the role and the token file (and the region, which EKS
     * sets too), and the SDK's default chain assumes the role with the token.
     */
    @Test
    void aWebIdentityTokenFileOpensATunnel() throws Exception {
        String[] r = probe("?", Map.of("AWS_ROLE_ARN", "arn:aws:iam::" + ACCOUNT + ":role/Web",
                "AWS_WEB_IDENTITY_TOKEN_FILE", dir.resolve("web-identity-token").toString(),
                "AWS_ROLE_SESSION_NAME", "web-probe", "AWS_REGION", "eu-west-1"));
        assertTunnelSignedBy(r, ":assumed-role/Web/web-probe", "STS AssumeRoleWithWebIdentity");
    }

    /**
     * Web identity in a named profile ({@code role_arn} + {@code web_identity_token_file}) with no region in the
     * environment: the SDK's own provider builds its STS client from the default region chain, not the profile,
     * and without a region sends AssumeRoleWithWebIdentity to {@code https://sts.amazonaws.com}; ours takes the
     * profile's region and endpoint settings, so the call reaches the fake STS.
     */
    @Test
    void aWebIdentityProfileUsesTheProfilesRegionAndEndpoint() throws Exception {
        assertTunnelSignedBy("web", ":assumed-role/Web/web-probe", "STS AssumeRoleWithWebIdentity");
    }

    /** As above with STS named only by the profile's {@code services} section, not by the environment. */
    @Test
    void aWebIdentityProfileUsesTheEndpointOfItsServicesSection() throws Exception {
        String[] r = probe("?profile=web-endpoint&", Map.of("AWS_ENDPOINT_URL_STS", ""));
        assertTunnelSignedBy(r, ":assumed-role/Web/web-probe", "STS AssumeRoleWithWebIdentity");
    }

    /**
     * With {@code HTTPS_PROXY} set, the credential calls go through the proxy as well as StartSession and the
     * websocket: STS AssumeRole for an assume-role profile (the SDK's own provider builds its STS client without
     * our proxy settings).
     */
    @Test
    void theAssumeRoleCallOfAProfileGoesThroughTheProxy() throws Exception {
        assertCredentialCallThroughTheProxy("admin", ":assumed-role/Admin/", "STS AssumeRole", "POST");
    }

    /** As above for the SSO portal's GetRoleCredentials of an {@code sso_session} profile. */
    @Test
    void theSsoPortalCallOfAProfileGoesThroughTheProxy() throws Exception {
        assertCredentialCallThroughTheProxy("sso-dev", "AWSReservedSSO_Developer", "SSO GetRoleCredentials", "GET");
    }

    private void assertCredentialCallThroughTheProxy(String profile, String arnPart, String call, String method)
            throws Exception {
        try (LoopbackRelayProxy corporate = new LoopbackRelayProxy()) {
            Map<String, String> env = Map.of("HTTPS_PROXY", "http://127.0.0.1:" + corporate.port());
            assertTunnelSignedBy(probe("?profile=" + profile + "&", env), arnPart, call);
            int idPort = identity.endpoint().getPort();
            int ssmPort = ssm.endpoint().getPort();
            List<String> seen = corporate.relayed();
            assertTrue(seen.contains(method + " 127.0.0.1:" + idPort), call + " through the proxy: " + seen);
            List<String> calls = identity.calls();
            List<Integer> from = identity.callSourcePorts();
            int i = calls.indexOf(call);
            assertTrue(corporate.upstreamPorts().contains(from.get(i)), call + " came from port " + from.get(i)
                    + ", not from the proxy's " + corporate.upstreamPorts() + "; calls " + calls);
            assertTrue(seen.contains("POST 127.0.0.1:" + ssmPort), "StartSession through the proxy: " + seen);
            assertTrue(seen.contains("CONNECT 127.0.0.1:" + ssmPort), "the websocket through the proxy: " + seen);
            assertEquals(List.of(), corporate.refused());
        }
    }

    @Test
    void aProfileWithTheWrongSecretIsRefusedByTheSignatureCheck() throws Exception {
        String[] r = probe("forged");
        assertNotEquals("0", r[0], r[1]);
        assertTrue(r[1].contains("InvalidSignatureException"), r[1]);
        assertTrue(ssm.sessions().isEmpty(), "no session started");
    }

    /**
     * Assumed-role credentials that live 4 s: the tunnel opens, they expire, the websocket is reset, and the
     * ResumeSession call must be signed with freshly assumed credentials (the fake refuses expired ones), after
     * which the same stream carries data again.
     */
    @Test
    void credentialsThatExpiredDuringTheTunnelAreRefreshedForResumeSession() throws Exception {
        identity.lifetimeSeconds(4);
        Process p = startProbe("?profile=admin&", Map.of(), true);
        java.io.BufferedReader out = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null && !line.equals("OK"); ) {
            seen.append(line).append('\n');
        }
        assertEquals(1, ssm.sessions().size(), "tunnel open: " + seen);
        String first = ssm.signedBy().get(0);
        Thread.sleep(5000); // the first credentials are now expired
        ssm.sessions().get(0).closeWebSocket(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ssm.sessions().get(0).connects() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        p.getOutputStream().write('\n');
        p.getOutputStream().flush();
        String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), rest);
        assertTrue(rest.contains("OK AFTER RESUME"), rest);
        List<String> resumes = ssm.signedCalls().stream().filter(c -> c.startsWith("AmazonSSM.ResumeSession"))
                .toList();
        assertTrue(!resumes.isEmpty(), "ResumeSession was called: " + ssm.signedCalls());
        String last = resumes.get(resumes.size() - 1);
        assertTrue(!last.endsWith("refused") && !last.endsWith(first), "resumed with fresh credentials: "
                + ssm.signedCalls() + ", first " + first);
        assertTrue(identity.calls().stream().filter("STS AssumeRole"::equals).count() >= 2, identity.calls()
                .toString());
    }

    /**
     * Makes temporary credentials that only the path under test hands out (from the environment, a process, the
     * container or the instance endpoint), registered with the fakes under {@code arn}: a tunnel signed with them
     * proves that path supplied them.
     */
    private String[] givenCredentials(String arn) {
        java.security.SecureRandom random = new java.security.SecureRandom();
        String id = "ASIA" + HexFormat.of().formatHex(random.generateSeed(8)).toUpperCase(java.util.Locale.ROOT);
        String secret = HexFormat.of().formatHex(random.generateSeed(20));
        String token = "given-session-" + HexFormat.of().formatHex(random.generateSeed(24));
        identity.addUser(id, secret, arn);
        issued.put(id, new SigV4Verifier.Issued(secret, token)); // the session token is checked too
        return new String[] {id, secret, token};
    }

    private static String expiresInAnHour() {
        return Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    /** The default chain (no profile chosen) takes AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN. */
    @Test
    void environmentVariablesOpenATunnel() throws Exception {
        String arn = "arn:aws:sts::" + ACCOUNT + ":assumed-role/FromEnvVars/ci";
        String[] k = givenCredentials(arn);
        String[] r = probe("?", Map.of("AWS_ACCESS_KEY_ID", k[0], "AWS_SECRET_ACCESS_KEY", k[1],
                "AWS_SESSION_TOKEN", k[2], "AWS_REGION", "eu-west-1"));
        assertTunnelSignedBy(r, arn, "STS GetCallerIdentity");
        assertEquals(List.of(k[0]), ssm.signedBy().stream().distinct().toList());
    }

    /** {@code AWS_PROFILE} chooses the profile (an assume-role one) when the hop names none; its region too. */
    @Test
    void awsProfileChoosesTheProfile() throws Exception {
        String[] r = probe("?", Map.of("AWS_PROFILE", "admin"));
        assertTunnelSignedBy(r, ":assumed-role/Admin/", "STS AssumeRole");
    }

    /**
     * A legacy SSO profile ({@code sso_start_url} etc. in the profile itself): the token {@code aws sso login}
     * cached under {@code ~/.aws/sso/cache/<SHA-1 of the start URL>.json} is used for GetRoleCredentials.
     */
    @Test
    void aLegacySsoProfileWithACachedTokenOpensATunnel() throws Exception {
        String token = "legacy-sso-token-" + System.nanoTime();
        identity.acceptSsoToken(token);
        Files.writeString(dir.resolve("home/.aws/sso/cache").resolve(sha1Hex(LEGACY_START_URL) + ".json"),
                "{\"startUrl\":\"" + LEGACY_START_URL + "\",\"region\":\"us-east-1\",\"accessToken\":\"" + token
                        + "\",\"expiresAt\":\"" + expiresInAnHour() + "\"}");
        assertTunnelSignedBy("sso-legacy", "AWSReservedSSO_Legacy", "SSO GetRoleCredentials");
    }

    /** {@code role_arn} with {@code credential_source = Environment}: AssumeRole signed with the env's keys. */
    @Test
    void anAssumeRoleProfileWithEnvironmentAsSourceOpensATunnel() throws Exception {
        String[] r = probe("?profile=env-role&", Map.of("AWS_ACCESS_KEY_ID", "AKIDBASEUSER0001",
                "AWS_SECRET_ACCESS_KEY", "base-secret-0001"));
        assertTunnelSignedBy(r, ":assumed-role/FromEnv/", "STS AssumeRole");
    }

    /** {@code credential_process}: a program prints the credentials as JSON (Version 1). */
    @Test
    void aCredentialProcessProfileOpensATunnel() throws Exception {
        String arn = "arn:aws:sts::" + ACCOUNT + ":assumed-role/FromProcess/helper";
        String[] k = givenCredentials(arn);
        Path script = dir.resolve("credential-process.sh");
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' '{\"Version\":1,\"AccessKeyId\":\"" + k[0]
                + "\",\"SecretAccessKey\":\"" + k[1] + "\",\"SessionToken\":\"" + k[2] + "\",\"Expiration\":\""
                + expiresInAnHour() + "\"}'\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        assertTunnelSignedBy(probe("proc"), arn, "STS GetCallerIdentity");
        assertEquals(List.of(k[0]), ssm.signedBy().stream().distinct().toList());
    }

    /**
     * Container role (ECS, EKS Pod Identity): {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} on loopback, with the
     * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} sent as {@code Authorization}.
     */
    @Test
    void aContainerRoleOpensATunnel() throws Exception {
        String arn = "arn:aws:sts::" + ACCOUNT + ":assumed-role/TaskRole/task-1";
        String[] k = givenCredentials(arn);
        String auth = "container-auth-" + System.nanoTime();
        List<String> served = new java.util.concurrent.CopyOnWriteArrayList<>();
        Channel agent = httpServer(req -> {
            String path = req.uri();
            boolean authorized = auth.equals(req.headers().get("Authorization"));
            served.add(req.method() + " " + path + (authorized ? "" : " unauthorized"));
            if (!authorized || !path.equals("/creds")) {
                return Map.entry(403, "{}");
            }
            return Map.entry(200, "{\"AccessKeyId\":\"" + k[0] + "\",\"SecretAccessKey\":\"" + k[1]
                    + "\",\"Token\":\"" + k[2] + "\",\"Expiration\":\"" + expiresInAnHour() + "\"}");
        });
        try {
            String[] r = probe("?", Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:"
                    + ((InetSocketAddress) agent.localAddress()).getPort() + "/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN", auth,
                    "AWS_REGION", "eu-west-1"));
            assertTunnelSignedBy(r, arn, "STS GetCallerIdentity");
            assertEquals(List.of(k[0]), ssm.signedBy().stream().distinct().toList());
            assertTrue(!served.isEmpty() && served.stream().allMatch("GET /creds"::equals), served.toString());
        } finally {
            agent.close().sync();
        }
    }

    /**
     * Instance role through IMDSv2: a session token from {@code PUT /latest/api/token}, then the role name and its
     * credentials, each GET carrying {@code X-aws-ec2-metadata-token}. The endpoint is a fake on loopback named by
     * {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}; nothing reaches 169.254.169.254.
     */
    @Test
    void anInstanceRoleThroughImdsV2OpensATunnel() throws Exception {
        String arn = "arn:aws:sts::" + ACCOUNT + ":assumed-role/InstanceRole/" + TARGET;
        String[] k = givenCredentials(arn);
        String imdsToken = "imds-token-" + System.nanoTime();
        List<String> served = new java.util.concurrent.CopyOnWriteArrayList<>();
        Channel imds = httpServer(req -> {
            String path = req.uri();
            String method = req.method().name();
            io.netty.handler.codec.http.HttpHeaders h = req.headers();
            int status = 200;
            String body;
            if (method.equals("PUT") && path.equals("/latest/api/token")
                    && h.get("X-aws-ec2-metadata-token-ttl-seconds") != null) {
                body = imdsToken;
            } else if (!method.equals("GET") || !imdsToken.equals(h.get("X-aws-ec2-metadata-token"))) {
                status = 401;
                body = "";
            } else if (path.matches("/latest/meta-data/iam/security-credentials(-extended)?/")) {
                body = "InstanceRole";
            } else if (path.matches("/latest/meta-data/iam/security-credentials(-extended)?/InstanceRole")) {
                body = "{\"Code\":\"Success\",\"LastUpdated\":\"" + Instant.now().truncatedTo(
                        java.time.temporal.ChronoUnit.SECONDS) + "\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"" + k[0]
                        + "\",\"SecretAccessKey\":\"" + k[1] + "\",\"Token\":\"" + k[2] + "\",\"Expiration\":\""
                        + expiresInAnHour() + "\"}";
            } else {
                status = 404;
                body = "";
            }
            served.add(method + " " + path + " " + status);
            return Map.entry(status, body);
        });
        try {
            String[] r = probe("?", Map.of("AWS_EC2_METADATA_DISABLED", "", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                    "http://127.0.0.1:" + ((InetSocketAddress) imds.localAddress()).getPort(), "AWS_REGION", "eu-west-1"));
            assertTunnelSignedBy(r, arn, "STS GetCallerIdentity");
            assertEquals(List.of(k[0]), ssm.signedBy().stream().distinct().toList());
            assertTrue(served.contains("PUT /latest/api/token 200"), served.toString());
            assertTrue(served.stream().anyMatch(s -> s.matches(
                    "GET /latest/meta-data/iam/security-credentials(-extended)?/InstanceRole 200")), served.toString());
            assertTrue(served.stream().noneMatch(s -> s.endsWith(" 401")), "every GET carried the token: " + served);
        } finally {
            imds.close().sync();
        }
    }

    /**
     * Starts a small HTTP/1.1 server on an ephemeral port of 127.0.0.1 (the container agent or the instance
     * metadata service), answering each request with the status and body {@code answer} returns; the caller closes
     * the channel it returns.
     */
    private Channel httpServer(java.util.function.Function<io.netty.handler.codec.http.FullHttpRequest,
            Map.Entry<Integer, String>> answer) throws InterruptedException {
        return new io.netty.bootstrap.ServerBootstrap().group(group)
                .channel(io.netty.channel.socket.nio.NioServerSocketChannel.class)
                .childHandler(new io.netty.channel.ChannelInitializer<io.netty.channel.socket.SocketChannel>() {
                    @Override
                    protected void initChannel(io.netty.channel.socket.SocketChannel ch) {
                        ch.pipeline().addLast(new io.netty.handler.codec.http.HttpServerCodec(),
                                new io.netty.handler.codec.http.HttpObjectAggregator(1 << 16),
                                new io.netty.channel.SimpleChannelInboundHandler<
                                        io.netty.handler.codec.http.FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(io.netty.channel.ChannelHandlerContext ctx,
                                            io.netty.handler.codec.http.FullHttpRequest req) {
                                        Map.Entry<Integer, String> a = answer.apply(req);
                                        var res = new io.netty.handler.codec.http.DefaultFullHttpResponse(
                                                io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                                                io.netty.handler.codec.http.HttpResponseStatus.valueOf(a.getKey()),
                                                io.netty.buffer.Unpooled.copiedBuffer(a.getValue(),
                                                        StandardCharsets.UTF_8));
                                        res.headers().set("Content-Type", "text/plain")
                                                .setInt("Content-Length", res.content().readableBytes());
                                        ctx.writeAndFlush(res);
                                    }
                                });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    private static String sha1Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
