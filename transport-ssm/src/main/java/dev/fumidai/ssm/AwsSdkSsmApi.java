// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import dev.fumidai.HopAuthenticationException;
import dev.fumidai.HopDisconnectedException;
import dev.fumidai.HopHandshakeException;
import dev.fumidai.HopUnreachableException;
import dev.fumidai.TunnelException;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import dev.fumidai.audit.AwsIdentity;
import dev.fumidai.ssm.internal.credentials.AwsCredentialChain;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.SsmClientBuilder;
import software.amazon.awssdk.services.ssm.model.ResumeSessionResponse;
import software.amazon.awssdk.services.ssm.model.StartSessionResponse;

/**
 * Calls the Session Manager control plane through the AWS SDK v2 with the JDK's URL connection HTTP client
 * (so the SDK's Netty 4.1 client never joins our Netty 4.2). Credentials come from the standard AWS chain
 * unless given, resolved by {@link AwsCredentialChain} so that the SSO and STS calls a profile needs use the same
 * HTTP client and proxy, and the profile's region and endpoints; {@link Builder#endpointOverride} points it at a
 * fake or a VPC endpoint.
 *
 * <h2>Threading</h2>
 * Thread-safe. Blocking SDK calls run on a small daemon thread pool owned by this object; {@link #close()}
 * stops it and the SDK client.
 */
public final class AwsSdkSsmApi implements SsmApi, AutoCloseable {

    private final SsmClient client;
    private final ExecutorService executor;
    private final String where;
    private final AwsCredentialsProvider credentials;

    private final boolean ownsClient;
    /** Marks an access key id whose ARN STS could not tell, so it is not asked again and again. */
    private static final String NO_ARN = "";
    private final java.util.Map<String, String> arns = new java.util.concurrent.ConcurrentHashMap<>();
    private String profile;
    private software.amazon.awssdk.services.sts.StsClient sts;
    private dev.fumidai.ssm.internal.session.HttpsProxy proxy;
    /** Whether StartSession goes to an endpoint given in code (a fake, a VPC endpoint) rather than AWS's own. */
    private boolean customEndpoint;
    /** Holds the SDK clients our credential resolution built, or {@code null}; closed with this object. */
    private AwsCredentialChain.Resolved chain;
    /** Where GetCallerIdentity goes; {@code null}: where the SDK resolves STS. */
    private URI identityEndpoint;

    private AwsSdkSsmApi(SsmClient client, boolean ownsClient, String where, AwsCredentialsProvider credentials) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.where = where;
        this.credentials = credentials;
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "fumidai-ssm-api");
            t.setDaemon(true);
            return t;
        });
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds an {@link AwsSdkSsmApi}. Precedence, as the AWS CLI: an application's own {@link #ssmClient} wins
     * over everything; else an explicit {@link #credentials} provider; else the named {@link #profile} (its
     * {@code sso_session}, legacy SSO, {@code role_arn} with {@code source_profile} or
     * {@code credential_source}, web identity, {@code credential_process} or static keys); else the default
     * chain (system properties, environment, web identity, {@code AWS_PROFILE} or the default profile, container
     * and instance roles). Profiles that need SSO or STS calls get clients built here with this builder's proxy
     * and the profile's region and endpoints ({@link AwsCredentialChain}). The region is the one given, else the
     * profile's.
     */
    public static final class Builder {
        private String region;
        private URI endpointOverride;
        private AwsCredentialsProvider credentials;
        private String profile;
        private SsmClient ssmClient;
        private dev.fumidai.ssm.internal.session.HttpsProxy proxy;
        private URI lookupEndpoint;
        private URI identityEndpoint;
        /** Holds the credential chains {@link #configure} built, closed by {@link #closeLookupCredentials()}. */
        private final java.util.List<AwsCredentialChain.Resolved> builtForLookups = new java.util.ArrayList<>();

        /** Closes the SDK clients of the credential chains {@link #configure} built. */
        synchronized void closeLookupCredentials() {
            for (AwsCredentialChain.Resolved r : builtForLookups) {
                r.close();
            }
            builtForLookups.clear();
        }

        /** Sends the ECS and EC2 look-ups of by-name targets to this endpoint instead of AWS's. */
        Builder lookupEndpoint(URI endpoint) {
            this.lookupEndpoint = endpoint;
            return this;
        }

        /**
         * Sets up another service's client (ECS, EC2) as the SSM client is: credentials, profile, region, proxy,
         * and the look-up endpoint when one is given.
         */
        <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>
                & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>> B configure(B b) {
            AwsCredentialsProvider creds = credentials;
            if (creds == null) {
                AwsCredentialChain.Resolved r = AwsCredentialChain.resolve(profile, region, () -> httpClient(proxy));
                synchronized (this) {
                    builtForLookups.add(r);
                }
                creds = r.provider();
            }
            b.httpClientBuilder(httpClient(proxy));
            b.credentialsProvider(creds);
            String r = region;
            if (profile != null) {
                b.overrideConfiguration(c -> c.defaultProfileName(profile));
                if (r == null) {
                    r = profileRegion(profile);
                }
            }
            if (r != null) {
                b.region(Region.of(r));
            }
            if (lookupEndpoint != null) {
                b.endpointOverride(lookupEndpoint);
            }
            return b;
        }

        /** Sends the calls through this HTTP proxy unless it bypasses the endpoint's host; {@code null}: none. */
        Builder proxy(dev.fumidai.ssm.internal.session.@Nullable HttpsProxy p) {
            this.proxy = p;
            return this;
        }

        /** Sets the region, e.g. {@code eu-west-1}; without it the SDK's region chain decides. */
        public Builder region(@Nullable String r) {
            this.region = r;
            return this;
        }

        /**
         * Sends the caller-identity look-up (STS {@code GetCallerIdentity}, for the ARN in audit records) to this
         * endpoint. Without it the SDK resolves STS as usual, except when {@link #endpointOverride} is set: then no
         * look-up is made and the ARN stays unknown, so a hop pointed at a fake or a VPC endpoint never reaches
         * out to AWS's public STS unasked.
         */
        public Builder identityEndpoint(@Nullable URI endpoint) {
            this.identityEndpoint = endpoint;
            return this;
        }

        /**
         * Sends the calls to another endpoint, e.g. the fake service or a VPC endpoint (see
         * {@link #identityEndpoint} for the caller-identity look-up).
         */
        public Builder endpointOverride(@Nullable URI endpoint) {
            this.endpointOverride = endpoint;
            return this;
        }

        /** Sets the credentials; without it the default AWS chain is used. */
        public Builder credentials(@Nullable AwsCredentialsProvider provider) {
            this.credentials = provider;
            return this;
        }

        /** Sets the credentials provider; it wins over {@link #profile} for credentials. */
        public Builder credentialsProvider(AwsCredentialsProvider provider) {
            return credentials(provider);
        }

        /**
         * Uses this named profile of the shared config and credentials files ({@code ~/.aws/config},
         * {@code ~/.aws/credentials}, or {@code AWS_CONFIG_FILE}/{@code AWS_SHARED_CREDENTIALS_FILE}) as
         * {@code aws --profile} does: for credentials, for the region unless {@link #region} is set, and for the
         * client's other profile settings (such as {@code endpoint_url}).
         */
        public Builder profile(@Nullable String name) {
            this.profile = name;
            return this;
        }

        /**
         * Uses the application's own SDK client for every call; it wins over region, profile, credentials and
         * endpoint settings here, and {@link AwsSdkSsmApi#close()} leaves it open.
         */
        public Builder ssmClient(@Nullable SsmClient c) {
            this.ssmClient = c;
            return this;
        }

        /** Builds the client. */
        public AwsSdkSsmApi build() {
            if (ssmClient != null) {
                var identity = ssmClient.serviceClientConfiguration().credentialsProvider();
                AwsCredentialsProvider creds = identity == null ? null
                        : software.amazon.awssdk.auth.credentials.CredentialUtils.toCredentialsProvider(identity);
                return new AwsSdkSsmApi(ssmClient, false, "ssm api " + ssmClient.serviceClientConfiguration().region(),
                        creds);
            }
            AwsCredentialsProvider creds;
            AwsCredentialChain.Resolved chain = null;
            if (credentials != null) {
                creds = credentials;
            } else {
                // Our own resolution, not the SDK's profile providers: the SSO and STS clients that profiles need get
                // the proxy and the profile's own region and endpoint (see AwsCredentialChain).
                chain = AwsCredentialChain.resolve(profile, region, () -> httpClient(proxy));
                creds = chain.provider();
            }
            SsmClientBuilder b = SsmClient.builder().httpClientBuilder(httpClient(proxy))
                    .credentialsProvider(creds);
            String r = region;
            if (profile != null) {
                b.overrideConfiguration(c -> c.defaultProfileName(profile));
                if (r == null) {
                    r = profileRegion(profile);
                }
            }
            if (r != null) {
                b.region(Region.of(r));
            }
            if (endpointOverride != null) {
                b.endpointOverride(endpointOverride);
            }
            SsmClient built;
            try {
                built = b.build();
            } catch (RuntimeException e) {
                if (chain != null) {
                    chain.close();
                }
                throw e;
            }
            AwsSdkSsmApi api = new AwsSdkSsmApi(built, true, "ssm api" + (r == null ? "" : " " + r), creds);
            api.chain = chain;
            api.profile = profile;
            api.proxy = proxy;
            api.customEndpoint = endpointOverride != null;
            api.identityEndpoint = identityEndpoint;
            return api;
        }

        /**
         * Returns the URL connection client, with the proxy when one is set. The SDK's own reading of system
         * properties and environment is switched off: {@link dev.fumidai.ssm.internal.session.HttpsProxy} decided
         * already, and the JDK's default selector would bypass loopback silently. The bypass list goes to the SDK
         * as the regular expressions it matches hosts with.
         */
        static UrlConnectionHttpClient.Builder httpClient(dev.fumidai.ssm.internal.session.HttpsProxy proxy) {
            UrlConnectionHttpClient.Builder h = UrlConnectionHttpClient.builder();
            if (proxy == null) {
                return h;
            }
            var pc = software.amazon.awssdk.http.urlconnection.ProxyConfiguration.builder()
                    .endpoint(URI.create("http://" + (proxy.host().indexOf(':') >= 0 ? "[" + proxy.host() + "]"
                            : proxy.host()) + ":" + proxy.port()))
                    .useSystemPropertyValues(false).useEnvironmentVariablesValues(false);
            if (proxy.username() != null) {
                pc.username(proxy.username()).password(proxy.password());
            }
            java.util.Set<String> bypass = new java.util.HashSet<>();
            for (String p : proxy.noProxy()) {
                if (proxy.jdkPatterns() || p.equals("*")) {
                    StringBuilder re = new StringBuilder();
                    for (String part : p.split("\\*", -1)) {
                        if (re.length() > 0 || p.startsWith("*")) {
                            re.append(".*");
                        }
                        re.append(java.util.regex.Pattern.quote(part));
                    }
                    bypass.add(p.equals("*") ? ".*" : re.toString());
                } else {
                    String d = p.startsWith("*.") ? p.substring(2) : p.startsWith(".") ? p.substring(1) : p;
                    if (d.startsWith("[") && d.indexOf(']') > 0) {
                        d = d.substring(1, d.indexOf(']'));
                    } else if (d.indexOf(':') > 0 && d.indexOf(':') == d.lastIndexOf(':')) {
                        d = d.substring(0, d.indexOf(':'));
                    }
                    bypass.add(java.util.regex.Pattern.quote(d));
                    bypass.add(".*\\." + java.util.regex.Pattern.quote(d));
                }
            }
            pc.nonProxyHosts(bypass);
            return h.proxyConfiguration(pc.build());
        }

        private static @Nullable String profileRegion(String profile) {
            try {
                return DefaultAwsRegionProviderChain.builder().profileName(profile).build().getRegion().id();
            } catch (SdkException e) {
                return null; // the SDK's own chain decides, and says what is missing
            }
        }
    }

    /**
     * Returns who signs the calls: the access key id of the current credentials and the caller's ARN from STS
     * {@code GetCallerIdentity}, asked once per access key id and cached (credentials that rotate get asked
     * again), so the audit record joins CloudTrail by principal. STS is reached as the SDK resolves it (region,
     * {@code AWS_ENDPOINT_URL_STS}, profile {@code endpoint_url}); when it cannot answer, the ARN is
     * {@code null} and the key id stays.
     */
    @Override
    public CompletableFuture<@Nullable AwsIdentity> callerIdentity() {
        return CompletableFuture.supplyAsync(() -> {
            if (credentials == null) {
                return null; // an application's client whose credentials this object cannot see
            }
            String keyId;
            try {
                keyId = credentials.resolveCredentials().accessKeyId();
            } catch (RuntimeException e) {
                return null; // StartSession reports the credential problem itself; audit gets no identity
            }
            if (keyId == null) {
                return null;
            }
            if (customEndpoint && identityEndpoint == null) {
                // Calls that go to an endpoint given in code must not reach out to AWS's public STS unasked (a
                // test against a fake, a closed network with a VPC endpoint): the ARN stays unknown.
                return new AwsIdentity(null, keyId, null);
            }
            String arn = arns.computeIfAbsent(keyId, k -> {
                try {
                    return sts().getCallerIdentity().arn();
                } catch (SdkException e) {
                    return NO_ARN;
                }
            });
            return new AwsIdentity(NO_ARN.equals(arn) ? null : arn, keyId, null);
        }, executor);
    }

    private synchronized software.amazon.awssdk.services.sts.StsClient sts() {
        if (sts == null) {
            var b = software.amazon.awssdk.services.sts.StsClient.builder()
                    .httpClientBuilder(Builder.httpClient(proxy)).credentialsProvider(credentials);
            Region r = client.serviceClientConfiguration().region();
            if (r != null) {
                b.region(r);
            }
            if (profile != null) {
                b.overrideConfiguration(c -> c.defaultProfileName(profile));
            }
            if (identityEndpoint != null) {
                b.endpointOverride(identityEndpoint);
            }
            sts = b.build();
        }
        return sts;
    }

    @Override
    public CompletableFuture<SsmSessionTicket> startSession(StartSessionRequest request) {
        Objects.requireNonNull(request, "request");
        return call(() -> {
            StartSessionResponse r = client.startSession(b -> {
                b.target(request.target()).documentName(request.documentName()).parameters(request.parameters());
                if (request.reason() != null) {
                    b.reason(request.reason());
                }
            });
            return new SsmSessionTicket(r.sessionId(), r.streamUrl(), r.tokenValue());
        }, "StartSession " + request.target());
    }

    @Override
    public CompletableFuture<SsmSessionTicket> resumeSession(String sessionId) {
        return call(() -> {
            ResumeSessionResponse r = client.resumeSession(b -> b.sessionId(sessionId));
            return new SsmSessionTicket(r.sessionId() == null ? sessionId : r.sessionId(),
                    r.streamUrl() == null ? "" : r.streamUrl(), r.tokenValue());
        }, "ResumeSession " + sessionId);
    }

    @Override
    public CompletableFuture<Void> terminateSession(String sessionId) {
        return call(() -> {
            client.terminateSession(b -> b.sessionId(sessionId));
            return null;
        }, "TerminateSession " + sessionId);
    }

    private <T> CompletableFuture<T> call(Supplier<T> s, String what) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return s.get();
            } catch (SdkException e) {
                throw new java.util.concurrent.CompletionException(translate(e, what));
            }
        }, executor);
    }

    private TunnelException translate(SdkException e, String what) {
        if (e instanceof AwsServiceException) {
            AwsServiceException se = (AwsServiceException) e;
            String code = se.awsErrorDetails() == null ? "" : se.awsErrorDetails().errorCode();
            String msg = what + ": " + code + ": " + (se.awsErrorDetails() == null ? e.getMessage()
                    : se.awsErrorDetails().errorMessage());
            if (code.contains("AccessDenied") || code.contains("UnrecognizedClient") || code.contains("Token")
                    || se.statusCode() == 403) {
                return new HopAuthenticationException(where, msg, e);
            }
            if (code.contains("DoesNotExist")) {
                return new HopDisconnectedException(where, msg, e);
            }
            if (code.contains("InvalidDocument") || code.contains("Validation")) {
                return new HopHandshakeException(where, msg, e);
            }
            return new HopUnreachableException(where, msg, e);
        }
        return new HopUnreachableException(where, what + ": " + e.getMessage(), e);
    }

    /** Stops the thread pool and the SDK client. */
    @Override
    public void close() {
        executor.shutdown();
        if (ownsClient) {
            client.close();
        }
        synchronized (this) {
            if (sts != null) {
                sts.close();
            }
        }
        if (chain != null) {
            chain.close();
        }
    }

    /** Returns the credentials provider the calls are signed with, or {@code null} (an application's client). */
    AwsCredentialsProvider credentialsProvider() {
        return credentials;
    }
}
