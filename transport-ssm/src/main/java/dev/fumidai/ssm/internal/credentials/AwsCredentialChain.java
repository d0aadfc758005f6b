// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.credentials;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileProperty;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sso.SsoClient;
import software.amazon.awssdk.services.sso.auth.SsoCredentialsProvider;
import software.amazon.awssdk.services.sso.model.GetRoleCredentialsRequest;
import software.amazon.awssdk.services.ssooidc.SsoOidcClient;
import software.amazon.awssdk.services.ssooidc.SsoOidcTokenProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleWithWebIdentityCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.utils.SdkAutoCloseable;
import software.amazon.awssdk.utils.UserHomeDirectoryUtils;

/**
 * Resolves AWS credentials as the AWS CLI does (a named profile, or the default chain), building the SSO, SSO OIDC
 * and STS clients that profiles need itself, so that they get the same HTTP client (and with it the HTTPS proxy)
 * as the SSM calls, and the region and endpoint settings of the profile that asks for them.
 *
 * <p>Why not the SDK's own {@link ProfileCredentialsProvider} for every kind: its SSO and STS child providers build
 * their clients with the SDK's default HTTP client, which reads only {@code HTTP_PROXY}/{@code http.proxyHost}
 * (not {@code HTTPS_PROXY}) and none of our settings; and its web-identity provider takes the region from the
 * default region chain, not the profile, and without one sends AssumeRoleWithWebIdentity to the fixed
 * {@code https://sts.amazonaws.com}, ignoring the profile's region, {@code endpoint_url} and {@code services}
 * (SDK 2.57.8, {@code StsWebIdentityCredentialsProviderFactory}). Profiles that need no client (static keys,
 * session tokens, {@code credential_process}) still go to the SDK's provider.
 *
 * <p>Precedence within a profile, as the SDK's {@code ProfileCredentialsUtils}: {@code role_arn} with
 * {@code web_identity_token_file}; SSO ({@code sso_session}, or the legacy {@code sso_start_url}); {@code role_arn}
 * with {@code source_profile} (resolved the same way, recursively, a cycle being an error) or
 * {@code credential_source}; anything else through the SDK.
 *
 * <h2>Threading</h2>
 * The providers returned are thread-safe. {@link Resolved#close()} closes every client built here.
 */
public final class AwsCredentialChain {

    /** Is the region of STS when neither the hop, the profile nor the environment names one: the SDK's choice. */
    private static final Region GLOBAL_STS_REGION = Region.US_EAST_1;

    private final ProfileFile profiles;
    private final Supplier<UrlConnectionHttpClient.Builder> http;
    private final String region;
    private final Map<String, String> env;
    private final List<SdkAutoCloseable> owned = new ArrayList<>();

    private AwsCredentialChain(ProfileFile profiles, Supplier<UrlConnectionHttpClient.Builder> http, String region,
            Map<String, String> env) {
        this.profiles = profiles;
        this.http = http;
        this.region = region;
        this.env = env;
    }

    /** Is a credentials provider and the SDK clients built for it, which {@link #close()} closes. */
    public static final class Resolved implements AutoCloseable {
        private final AwsCredentialsProvider provider;
        private final List<SdkAutoCloseable> owned;

        Resolved(AwsCredentialsProvider provider, List<SdkAutoCloseable> owned) {
            this.provider = provider;
            this.owned = owned;
        }

        /** Returns the provider. */
        public AwsCredentialsProvider provider() {
            return provider;
        }

        /** Closes the providers and clients built for this chain. */
        @Override
        public void close() {
            synchronized (owned) {
                for (SdkAutoCloseable c : owned) {
                    try {
                        c.close();
                    } catch (RuntimeException e) {
                        // closing anyway; nothing to report to
                    }
                }
                owned.clear();
            }
        }
    }

    /**
     * Returns the credentials of a named profile, or (when {@code profile} is {@code null}) the default chain:
     * system properties, environment, web identity from the environment, the profile named by
     * {@code AWS_PROFILE} (or {@code default}), container and instance roles, as the SDK's
     * {@code DefaultCredentialsProvider} orders them.
     *
     * @param profile the profile name, or {@code null}
     * @param region the region given in code (the hop's), or {@code null}: then the profile's, then the environment's
     * @param http makes the HTTP client for each SSO, SSO OIDC and STS client built
     */
    public static Resolved resolve(String profile, String region, Supplier<UrlConnectionHttpClient.Builder> http) {
        AwsCredentialChain c = new AwsCredentialChain(ProfileFile.defaultProfileFile(), http, region, System.getenv());
        AwsCredentialsProvider p;
        if (profile != null) {
            p = c.profile(profile, new HashSet<>());
        } else {
            p = AwsCredentialsProviderChain.builder().reuseLastProviderEnabled(true).credentialsProviders(
                    SystemPropertyCredentialsProvider.create(),
                    EnvironmentVariableCredentialsProvider.create(),
                    c.lazy("web identity from the environment", c::environmentWebIdentity),
                    c.lazy("the default profile", c::defaultProfile),
                    c.owned(ContainerCredentialsProvider.builder().build()),
                    c.owned(InstanceProfileCredentialsProvider.builder().build())).build();
        }
        return new Resolved(p, c.owned);
    }

    private <T extends SdkAutoCloseable> T owned(T closeable) {
        synchronized (owned) {
            owned.add(closeable);
        }
        return closeable;
    }

    /** Returns a provider that builds its delegate on first use, so that an unusable source is skipped by a chain. */
    private AwsCredentialsProvider lazy(String what, Supplier<AwsCredentialsProvider> make) {
        return new AwsCredentialsProvider() {
            private AwsCredentialsProvider delegate;

            @Override
            public AwsCredentials resolveCredentials() {
                AwsCredentialsProvider d;
                synchronized (this) {
                    if (delegate == null) {
                        delegate = make.get();
                    }
                    d = delegate;
                }
                return d.resolveCredentials();
            }

            @Override
            public String toString() {
                return what;
            }
        };
    }

    private AwsCredentialsProvider environmentWebIdentity() {
        String roleArn = setting("AWS_ROLE_ARN", "aws.roleArn");
        String tokenFile = setting("AWS_WEB_IDENTITY_TOKEN_FILE", "aws.webIdentityTokenFile");
        if (roleArn == null || tokenFile == null) {
            throw SdkClientException.create("AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are not both set");
        }
        String session = setting("AWS_ROLE_SESSION_NAME", "aws.roleSessionName");
        String r = region != null ? region : environmentRegion();
        if (r == null) {
            r = defaultProfileName().flatMap(profiles::profile).flatMap(p -> p.property(ProfileProperty.REGION))
                    .orElse(null);
        }
        return webIdentity(roleArn, Path.of(tokenFile), session, r, null);
    }

    private AwsCredentialsProvider defaultProfile() {
        String name = defaultProfileName().orElse("default");
        if (profiles.profile(name).isEmpty()) {
            throw SdkClientException.create("no profile \"" + name + "\" in the AWS config or credentials file");
        }
        return profile(name, new HashSet<>());
    }

    private Optional<String> defaultProfileName() {
        return Optional.ofNullable(setting("AWS_PROFILE", "aws.profile"));
    }

    private String setting(String variable, String property) {
        String p = System.getProperty(property);
        if (p != null && !p.isBlank()) {
            return p.strip();
        }
        String v = env.get(variable);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private String environmentRegion() {
        String r = setting("AWS_REGION", "aws.region");
        return r != null ? r : setting("AWS_DEFAULT_REGION", "aws.defaultRegion");
    }

    /** Returns the provider for one named profile; {@code seen} holds the profiles above it in a source chain. */
    private AwsCredentialsProvider profile(String name, Set<String> seen) {
        Profile p = profiles.profile(name).orElseThrow(() -> SdkClientException.create("no profile \"" + name
                + "\" in the AWS config or credentials file"));
        if (!seen.add(name)) {
            throw SdkClientException.create("profile \"" + name + "\": source_profile chain loops back to it: "
                    + seen);
        }
        Optional<String> roleArn = p.property(ProfileProperty.ROLE_ARN);
        Optional<String> tokenFile = p.property(ProfileProperty.WEB_IDENTITY_TOKEN_FILE);
        if (roleArn.isPresent() && tokenFile.isPresent()) {
            return webIdentity(roleArn.get(), Path.of(tokenFile.get()),
                    p.property(ProfileProperty.ROLE_SESSION_NAME).orElse(null), profileRegion(p), name);
        }
        if (p.property("sso_session").isPresent() || p.property(ProfileProperty.SSO_START_URL).isPresent()
                || p.property(ProfileProperty.SSO_ACCOUNT_ID).isPresent()) {
            return sso(p);
        }
        if (roleArn.isPresent()) {
            return assumeRole(p, roleArn.get(), seen);
        }
        return owned(ProfileCredentialsProvider.builder().profileFile(profiles).profileName(name).build());
    }

    private String profileRegion(Profile p) {
        if (region != null) {
            return region;
        }
        return p.property(ProfileProperty.REGION).orElseGet(this::environmentRegion);
    }

    /** Builds an STS client for a profile's calls: its region, and its endpoint settings through the profile name. */
    private StsClient sts(String r, String profileName, AwsCredentialsProvider signer) {
        var b = StsClient.builder().httpClientBuilder(http.get()).credentialsProvider(signer)
                .region(r == null ? GLOBAL_STS_REGION : Region.of(r));
        if (profileName != null) {
            b.overrideConfiguration(o -> o.defaultProfileFile(profiles).defaultProfileName(profileName));
        }
        return owned(b.build());
    }

    private AwsCredentialsProvider webIdentity(String roleArn, Path tokenFile, String sessionName, String r,
            String profileName) {
        StsClient sts = sts(r, profileName, AnonymousCredentialsProvider.create());
        String session = sessionName != null ? sessionName : "fumidai-" + Instant.now().getEpochSecond();
        return owned(StsAssumeRoleWithWebIdentityCredentialsProvider.builder().stsClient(sts)
                .refreshRequest(() -> AssumeRoleWithWebIdentityRequest.builder().roleArn(roleArn)
                        .roleSessionName(session).webIdentityToken(readToken(tokenFile)).build())
                .build());
    }

    private static String readToken(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw SdkClientException.create("cannot read the web identity token file " + file + ": " + e, e);
        }
    }

    private AwsCredentialsProvider assumeRole(Profile p, String roleArn, Set<String> seen) {
        AwsCredentialsProvider source;
        Optional<String> sourceProfile = p.property(ProfileProperty.SOURCE_PROFILE);
        Optional<String> credentialSource = p.property(ProfileProperty.CREDENTIAL_SOURCE);
        if (sourceProfile.isPresent()) {
            String s = sourceProfile.get();
            // A profile that names itself as source uses its own static keys (as the SDK and the CLI allow).
            source = s.equals(p.name()) ? staticKeys(p) : profile(s, seen);
        } else if (credentialSource.isPresent()) {
            source = switch (credentialSource.get()) {
                case "Environment" -> EnvironmentVariableCredentialsProvider.create();
                case "Ec2InstanceMetadata" -> owned(InstanceProfileCredentialsProvider.builder().build());
                case "EcsContainer" -> owned(ContainerCredentialsProvider.builder().build());
                default -> throw SdkClientException.create("profile \"" + p.name() + "\": unsupported "
                        + "credential_source " + credentialSource.get()
                        + " (Environment, Ec2InstanceMetadata or EcsContainer)");
            };
        } else {
            throw SdkClientException.create("profile \"" + p.name() + "\" has role_arn but neither source_profile "
                    + "nor credential_source nor web_identity_token_file");
        }
        StsClient sts = sts(profileRegion(p), p.name(), source);
        String session = p.property(ProfileProperty.ROLE_SESSION_NAME)
                .orElse("fumidai-" + Instant.now().getEpochSecond());
        AssumeRoleRequest.Builder req = AssumeRoleRequest.builder().roleArn(roleArn).roleSessionName(session);
        p.property(ProfileProperty.EXTERNAL_ID).ifPresent(req::externalId);
        p.property(ProfileProperty.DURATION_SECONDS).ifPresent(d -> req.durationSeconds(Integer.valueOf(d.strip())));
        p.property("mfa_serial").ifPresent(m -> {
            throw SdkClientException.create("profile \"" + p.name() + "\" needs an MFA code (mfa_serial), which a"
                    + " tunnel cannot prompt for; use credentials that need none");
        });
        AssumeRoleRequest request = req.build();
        return owned(StsAssumeRoleCredentialsProvider.builder().stsClient(sts).refreshRequest(request).build());
    }

    private static AwsCredentialsProvider staticKeys(Profile p) {
        String id = p.property(ProfileProperty.AWS_ACCESS_KEY_ID).orElseThrow(() -> SdkClientException.create(
                "profile \"" + p.name() + "\" is its own source_profile but has no aws_access_key_id"));
        String secret = p.property(ProfileProperty.AWS_SECRET_ACCESS_KEY).orElseThrow(() -> SdkClientException
                .create("profile \"" + p.name() + "\" has no aws_secret_access_key"));
        Optional<String> token = p.property(ProfileProperty.AWS_SESSION_TOKEN);
        return StaticCredentialsProvider.create(token.isPresent()
                ? AwsSessionCredentials.create(id, secret, token.get()) : AwsBasicCredentials.create(id, secret));
    }

    private AwsCredentialsProvider sso(Profile p) {
        String account = require(p, ProfileProperty.SSO_ACCOUNT_ID);
        String role = require(p, ProfileProperty.SSO_ROLE_NAME);
        Optional<String> sessionName = p.property("sso_session");
        String ssoRegion;
        Supplier<String> token;
        if (sessionName.isPresent()) {
            Profile session = profiles.getSection("sso-session", sessionName.get()).orElseThrow(() ->
                    SdkClientException.create("profile \"" + p.name() + "\" names sso_session " + sessionName.get()
                            + ", which has no [sso-session " + sessionName.get() + "] section"));
            ssoRegion = require(session, ProfileProperty.SSO_REGION);
            SsoOidcClient oidc = owned(SsoOidcClient.builder().httpClientBuilder(http.get())
                    .credentialsProvider(AnonymousCredentialsProvider.create()).region(Region.of(ssoRegion))
                    .overrideConfiguration(o -> o.defaultProfileFile(profiles).defaultProfileName(p.name()))
                    .build());
            SsoOidcTokenProvider tokens = owned(SsoOidcTokenProvider.builder().sessionName(sessionName.get())
                    .ssoOidcClient(oidc).build());
            token = () -> tokens.resolveToken().token();
        } else {
            ssoRegion = require(p, ProfileProperty.SSO_REGION);
            String startUrl = require(p, ProfileProperty.SSO_START_URL);
            token = () -> legacyCachedToken(startUrl);
        }
        SsoClient sso = owned(SsoClient.builder().httpClientBuilder(http.get())
                .credentialsProvider(AnonymousCredentialsProvider.create()).region(Region.of(ssoRegion))
                .overrideConfiguration(o -> o.defaultProfileFile(profiles).defaultProfileName(p.name())).build());
        SsoCredentialsProvider.Builder provider = SsoCredentialsProvider.builder(); // public type, not BuilderImpl
        return owned(provider.ssoClient(sso)
                .refreshRequest(() -> GetRoleCredentialsRequest.builder().accountId(account).roleName(role)
                        .accessToken(token.get()).build())
                .build());
    }

    private static String require(Profile p, String property) {
        return p.property(property).orElseThrow(() -> SdkClientException.create("profile \"" + p.name()
                + "\" has no " + property));
    }

    /**
     * Reads the access token {@code aws sso login} cached for a legacy SSO profile
     * ({@code ~/.aws/sso/cache/<sha1 of the start URL>.json}); such tokens cannot be refreshed.
     */
    private static String legacyCachedToken(String startUrl) {
        Path file;
        try {
            file = Path.of(UserHomeDirectoryUtils.userHomeDirectory(), ".aws", "sso", "cache", HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(startUrl.getBytes(StandardCharsets.UTF_8)))
                    + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw SdkClientException.create("no cached SSO token for " + startUrl + " (" + file
                    + "); run aws sso login", e);
        }
        String token = jsonString(json, "accessToken");
        String expires = jsonString(json, "expiresAt");
        if (token == null || expires == null) {
            throw SdkClientException.create("the cached SSO token " + file + " has no accessToken or expiresAt");
        }
        if (Instant.parse(expires).isBefore(Instant.now())) {
            throw SdkClientException.create("the cached SSO token for " + startUrl + " expired at " + expires
                    + "; run aws sso login");
        }
        return token;
    }

    /** Returns a top-level string member of a small JSON object, or {@code null}. */
    private static String jsonString(String json, String name) {
        try (com.fasterxml.jackson.core.JsonParser parser = new com.fasterxml.jackson.core.JsonFactory()
                .createParser(json)) {
            if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return null;
            }
            com.fasterxml.jackson.core.JsonToken t;
            while ((t = parser.nextToken()) == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                com.fasterxml.jackson.core.JsonToken v = parser.nextToken();
                if (field.equals(name) && v == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                    return parser.getText();
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            throw SdkClientException.create("the cached SSO token is not JSON: " + e.getMessage(), e);
        }
    }
}
