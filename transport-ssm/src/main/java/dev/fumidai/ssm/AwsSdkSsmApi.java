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
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
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
 * unless given; {@link Builder#endpointOverride} points it at a fake or a VPC endpoint.
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

    private AwsSdkSsmApi(SsmClient client, String where, AwsCredentialsProvider credentials) {
        this.client = client;
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

    /** Builds an {@link AwsSdkSsmApi}. */
    public static final class Builder {
        private String region;
        private URI endpointOverride;
        private AwsCredentialsProvider credentials;

        /** Sets the region, e.g. {@code eu-west-1}; without it the SDK's region chain decides. */
        public Builder region(String r) {
            this.region = r;
            return this;
        }

        /** Sends the calls to another endpoint, e.g. the fake service or a VPC endpoint. */
        public Builder endpointOverride(URI endpoint) {
            this.endpointOverride = endpoint;
            return this;
        }

        /** Sets the credentials; without it the default AWS chain is used. */
        public Builder credentials(AwsCredentialsProvider provider) {
            this.credentials = provider;
            return this;
        }

        /** Builds the client. */
        public AwsSdkSsmApi build() {
            AwsCredentialsProvider creds = credentials != null ? credentials
                    : DefaultCredentialsProvider.builder().build();
            SsmClientBuilder b = SsmClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                    .credentialsProvider(creds);
            if (region != null) {
                b.region(Region.of(region));
            }
            if (endpointOverride != null) {
                b.endpointOverride(endpointOverride);
            }
            return new AwsSdkSsmApi(b.build(), "ssm api" + (region == null ? "" : " " + region), creds);
        }
    }

    /**
     * Returns the access key id of the credentials the calls are signed with (the SDK caches them, so this
     * resolves nothing new after the first call). The ARN and session context are left {@code null}: only STS
     * GetCallerIdentity knows them, and this module does not depend on STS.
     */
    @Override
    public CompletableFuture<AwsIdentity> callerIdentity() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                String keyId = credentials.resolveCredentials().accessKeyId();
                return keyId == null ? null : new AwsIdentity(null, keyId, null);
            } catch (RuntimeException e) {
                return null; // StartSession reports the credential problem itself; audit gets no identity
            }
        }, executor);
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
        client.close();
    }
}
