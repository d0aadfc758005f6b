// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import dev.fumidai.Target;
import dev.fumidai.audit.HopInfo;
import dev.fumidai.spi.Hop;
import dev.fumidai.spi.HopContext;
import dev.fumidai.spi.HopSession;
import javax.net.ssl.SSLContext;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Describes an AWS Session Manager hop: port forwarding through the SSM Agent on an instance or ECS task,
 * without the session-manager-plugin ({@code docs/transport-ssm.md}). Immutable; built with {@link #builder(String)} or from
 * {@code ssm://i-0abc?region=eu-west-1&document=...} through {@link SsmHopFactory}.
 *
 * <p>A Session Manager session forwards to one destination fixed at StartSession, so the hop keeps one SSM
 * session per distinct target and multiplexes that target's streams over it with smux (§8.4). With
 * {@code AWS-StartPortForwardingSessionToRemoteHost} (the default) any {@code host:port} the agent can reach
 * works; with {@code AWS-StartPortForwardingSession} and {@code AWS-StartSSHSession} only ports on the instance
 * itself ({@code localhost}).
 *
 * <h2>Threading</h2>
 * Immutable and thread-safe.
 */
public final class SsmHop implements Hop {

    /** Is the document used unless another is set: it reaches any host the agent can reach. */
    public static final String DEFAULT_DOCUMENT = "AWS-StartPortForwardingSessionToRemoteHost";

    private static final Pattern TARGET = Pattern.compile(
            "i-(?:[0-9a-f]{8}|[0-9a-f]{17})|mi-[0-9a-f]{17}|ecs:[A-Za-z0-9_.-]+_[A-Za-z0-9]+_[A-Za-z0-9-]+"
            + "|" + SsmTargetNames.ECS.pattern() + "|" + SsmTargetNames.NAME.pattern());

    private final String target;
    private final String name;
    private final String region;
    private final String document;
    private final URI endpointOverride;
    private final SsmApi api;
    private final String clientVersion;
    private final Duration pingInterval;
    private final Duration reconnectBudget;
    private final SSLContext sslContext;
    private final boolean insecurePlaintextWebSocketForTesting;
    private final String reason;
    private final String profile;
    private final software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentialsProvider;
    private final software.amazon.awssdk.services.ssm.SsmClient ssmClient;
    private final java.util.Map<String, String> proxyEnvironment;
    private final java.util.Properties proxyProperties;
    private final URI lookupEndpoint;

    private SsmHop(Builder b) {
        this.lookupEndpoint = b.lookupEndpoint;
        this.proxyEnvironment = b.proxyEnvironment;
        this.proxyProperties = b.proxyProperties;
        this.profile = b.profile;
        this.credentialsProvider = b.credentialsProvider;
        this.ssmClient = b.ssmClient;
        this.target = b.target;
        this.name = b.name == null ? b.target : b.name;
        this.region = b.region;
        this.document = b.document;
        this.endpointOverride = b.endpointOverride;
        this.api = b.api;
        this.clientVersion = b.clientVersion;
        this.pingInterval = b.pingInterval;
        this.reconnectBudget = b.reconnectBudget;
        this.sslContext = b.sslContext;
        this.insecurePlaintextWebSocketForTesting = b.insecurePlaintextWebSocketForTesting;
        this.reason = b.reason;
    }

    /**
     * Returns a builder for a target: {@code i-…}, {@code mi-…} or {@code ecs:<cluster>_<task>_<runtimeId>}
     * (see {@link StartSessionRequest#ecsTarget}); or by name, looked up at connect time:
     * {@code ecs:<cluster>/<task>/<container>} (ECS DescribeTasks; needs the optional
     * {@code software.amazon.awssdk:ecs}) or {@code name:<Name tag>} (the one running EC2 instance with that tag;
     * needs the optional {@code software.amazon.awssdk:ec2}).
     *
     * @throws IllegalArgumentException if the target has none of these forms (§2.5)
     */
    public static Builder builder(String target) {
        return new Builder(target);
    }

    /** Builds an {@link SsmHop}. */
    public static final class Builder {
        private final String target;
        private String name;
        private String region;
        private String document = DEFAULT_DOCUMENT;
        private URI endpointOverride;
        private SsmApi api;
        private String clientVersion = "1.2.677.0";
        private Duration pingInterval = Duration.ofSeconds(30);
        private Duration reconnectBudget = Duration.ofMinutes(15);
        private SSLContext sslContext;
        private boolean insecurePlaintextWebSocketForTesting;
        private String reason;
        private String profile;
        private software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentialsProvider;
        private software.amazon.awssdk.services.ssm.SsmClient ssmClient;
        private java.util.Map<String, String> proxyEnvironment;
        private java.util.Properties proxyProperties;
        private URI lookupEndpoint;

        private Builder(String target) {
            Objects.requireNonNull(target, "target");
            if (!TARGET.matcher(target).matches()) {
                throw new IllegalArgumentException("SSM target must be i-<8 or 17 hex>, mi-<17 hex>, "
                        + "ecs:<cluster>_<task>_<runtimeId>, ecs:<cluster>/<task>/<container> or name:<Name tag>: \""
                        + target + "\"");
            }
            this.target = target;
        }

        /** Sets the logical hop name used in messages and audit; the target by default. */
        public Builder name(@Nullable String n) {
            this.name = n;
            return this;
        }

        /** Sets the AWS region. */
        public Builder region(@Nullable String r) {
            this.region = r;
            return this;
        }

        /**
         * Uses this named AWS profile, as {@code aws --profile} does: its credentials (SSO, assume-role, web
         * identity, credential process or keys) and, unless {@link #region} is set, its region.
         */
        public Builder profile(@Nullable String p) {
            this.profile = p;
            return this;
        }

        /** Signs the control-plane calls with these credentials; wins over {@link #profile} for credentials. */
        public Builder credentialsProvider(software.amazon.awssdk.auth.credentials.AwsCredentialsProvider p) {
            this.credentialsProvider = p;
            return this;
        }

        /**
         * Uses the application's own SDK client for StartSession, ResumeSession and TerminateSession; it wins
         * over region, profile, credentials and endpoint settings, and the hop never closes it.
         */
        public Builder ssmClient(software.amazon.awssdk.services.ssm.SsmClient c) {
            this.ssmClient = c;
            return this;
        }

        /** Sets the session document (§2.6). */
        public Builder document(String d) {
            this.document = Objects.requireNonNull(d, "document");
            return this;
        }

        /** Sends control-plane calls to another endpoint (a fake, a VPC endpoint); ignored with {@link #api}. */
        public Builder endpointOverride(@Nullable URI endpoint) {
            this.endpointOverride = endpoint;
            return this;
        }

        /** Uses this control-plane client instead of an {@link AwsSdkSsmApi} built per connection. */
        public Builder api(@Nullable SsmApi a) {
            this.api = a;
            return this;
        }

        /** Sets the ClientVersion reported to the agent; keep it above 1.2.331.0 (§8.1). */
        public Builder clientVersion(String v) {
            this.clientVersion = Objects.requireNonNull(v, "clientVersion");
            return this;
        }

        /** Sets the websocket ping interval (§3.3); the pong deadline is two thirds of it. */
        public Builder pingInterval(Duration d) {
            this.pingInterval = Objects.requireNonNull(d, "pingInterval");
            return this;
        }

        /** Sets how long to keep resuming after the websocket is lost (§10.3). */
        public Builder reconnectBudget(Duration d) {
            this.reconnectBudget = Objects.requireNonNull(d, "reconnectBudget");
            return this;
        }

        /**
         * Sets the TLS context for {@code wss} stream URLs (its trust managers decide which certificates are
         * trusted; the host name is checked as for HTTPS either way); the JDK's default trust otherwise.
         */
        public Builder sslContext(SSLContext ctx) {
            this.sslContext = ctx;
            return this;
        }

        /**
         * Follows a {@code ws://} StreamUrl, a websocket without TLS that carries the session token and every byte
         * in clear. Session Manager only returns {@code wss://}; by default anything else fails the connect with
         * {@link dev.fumidai.HopHandshakeException}. For tests against a fake service on loopback only.
         */
        public Builder insecurePlaintextWebSocketForTesting() {
            this.insecurePlaintextWebSocketForTesting = true;
            return this;
        }

        /**
         * Reads the HTTPS proxy settings from this environment and these JDK properties instead of
         * {@link System#getenv()} and {@link System#getProperties()}: {@code https_proxy}/{@code HTTPS_PROXY} with
         * {@code no_proxy}/{@code NO_PROXY}, else {@code https.proxyHost}/{@code https.proxyPort} with
         * {@code http.nonProxyHosts}, as the AWS CLI honours them. The control-plane calls, the SSO and STS calls
         * of a profile's credentials, the look-ups and the data-channel websocket (HTTP CONNECT) all go through the
         * proxy; only listed hosts bypass it, loopback included.
         * An application's own {@link #ssmClient} keeps its own HTTP settings.
         */
        public Builder proxyEnvironment(java.util.Map<String, String> environment, java.util.Properties properties) {
            this.proxyEnvironment = java.util.Map.copyOf(environment);
            java.util.Properties copy = new java.util.Properties();
            copy.putAll(properties);
            this.proxyProperties = copy;
            return this;
        }

        /**
         * Sends the ECS {@code DescribeTasks} and EC2 {@code DescribeInstances} look-ups of a by-name target
         * ({@code ecs:<cluster>/<task>/<container>}, {@code name:<Name tag>}) to this endpoint, e.g. a VPC
         * endpoint or a test double; the SDK's own endpoint resolution otherwise ({@code AWS_ENDPOINT_URL_ECS},
         * {@code AWS_ENDPOINT_URL_EC2} included).
         */
        public Builder lookupEndpointOverride(@Nullable URI endpoint) {
            this.lookupEndpoint = endpoint;
            return this;
        }

        /** Sets the StartSession reason recorded by the service. */
        public Builder reason(@Nullable String r) {
            this.reason = r;
            return this;
        }

        /** Builds the hop. */
        public SsmHop build() {
            return new SsmHop(this);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String transport() {
        return "ssm";
    }

    /** Returns {@code null}: an SSM hop reaches AWS by itself, not through the route's upstream. */
    @Override
    public @Nullable Target address() {
        return null;
    }

    /**
     * Returns the hop as configured; its {@code ssm_target} is a by-name form until connected, after which the hop
     * session's description (and every audit record) carries the id it resolved to and keeps the name as
     * {@code host}.
     */
    @Override
    public HopInfo describe() {
        return new HopInfo("ssm", name, null, null, 0, null, target, region, null, null, null);
    }

    @Override
    public CompletableFuture<HopSession> connect(HopContext ctx) {
        SsmApi a = api;
        AutoCloseable owned = null;
        AwsSdkSsmApi.Builder lookups = AwsSdkSsmApi.builder().region(region).profile(profile)
                .credentials(credentialsProvider).lookupEndpoint(lookupEndpoint);
        if (a == null) {
            AwsSdkSsmApi built;
            try {
                AwsSdkSsmApi.Builder b = AwsSdkSsmApi.builder().region(region).profile(profile)
                        .credentials(credentialsProvider).ssmClient(ssmClient).proxy(proxy());
                if (endpointOverride != null) {
                    b.endpointOverride(endpointOverride);
                }
                built = b.build();
                // The look-ups sign with the SSM calls' credentials (one SSO or STS exchange, not two).
                lookups = AwsSdkSsmApi.builder().region(region).profile(profile)
                        .credentials(built.credentialsProvider()).proxy(proxy()).lookupEndpoint(lookupEndpoint);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(new dev.fumidai.HopUnreachableException(
                        dev.fumidai.spi.Hops.describe(this), "cannot set up the AWS SDK client: " + e.getMessage(), e));
            }
            a = built;
            owned = built;
        }
        if (!SsmTargetNames.isByName(target)) {
            return CompletableFuture.completedFuture(new SsmHopSession(this, ctx, a, owned, target));
        }
        SsmApi api0 = a;
        AutoCloseable owned0 = owned;
        String where = dev.fumidai.spi.Hops.describe(this);
        return SsmTargetNames.resolve(target, lookups, where).<HopSession>handle((resolved, err) -> {
            if (err != null) {
                closeQuietly(owned0);
                throw err instanceof java.util.concurrent.CompletionException ce ? ce
                        : new java.util.concurrent.CompletionException(err);
            }
            return new SsmHopSession(this, ctx, api0, owned0, resolved);
        });
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // closing after a failed look-up; the look-up's error is the one reported
            }
        }
    }

    /**
     * Returns the HTTPS proxy from the environment and JDK properties (see {@link Builder#proxyEnvironment}), or
     * {@code null}.
     *
     * @throws IllegalArgumentException when the configured proxy is unusable
     */
    dev.fumidai.ssm.internal.session.@Nullable HttpsProxy proxy() {
        return dev.fumidai.ssm.internal.session.HttpsProxy.resolve(
                proxyEnvironment != null ? proxyEnvironment : System.getenv(),
                proxyProperties != null ? proxyProperties : System.getProperties());
    }

    /** Returns the SSM target. */
    public String target() {
        return target;
    }

    /** Returns the region, or {@code null}. */
    public @Nullable String region() {
        return region;
    }

    /** Returns the AWS profile name, or {@code null} for the default chain. */
    public @Nullable String profile() {
        return profile;
    }

    /** Returns the session document. */
    public String document() {
        return document;
    }

    String clientVersion() {
        return clientVersion;
    }

    Duration pingInterval() {
        return pingInterval;
    }

    Duration reconnectBudget() {
        return reconnectBudget;
    }

    SSLContext sslContext() {
        return sslContext;
    }

    @Nullable String reason() {
        return reason;
    }

    boolean insecurePlaintextWebSocketForTesting() {
        return insecurePlaintextWebSocketForTesting;
    }

    @Override
    public String toString() {
        return "SsmHop[" + name + " " + target + (region == null ? "" : " " + region)
                + (profile == null ? "" : " profile " + profile) + " " + document + "]";
    }
}
