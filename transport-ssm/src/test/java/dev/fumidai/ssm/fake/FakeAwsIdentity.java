// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.fake;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Fakes the AWS identity services a profile's credentials come from, on 127.0.0.1: STS ({@code AssumeRole},
 * {@code AssumeRoleWithWebIdentity}, {@code GetCallerIdentity}; AWS query protocol, XML answers) and the IAM
 * Identity Center portal ({@code GET /federation/credentials}, the SSO {@code GetRoleCredentials} call). Every
 * set of credentials it issues goes into a shared map that {@link FakeSsmService.Builder#verifySignatures}
 * checks signatures against; AssumeRole and GetCallerIdentity are themselves signature-checked.
 *
 * <h2>Threading</h2>
 * One event loop; the accessors are thread-safe.
 */
public final class FakeAwsIdentity implements AutoCloseable {

    private final Map<String, SigV4Verifier.Issued> issued;
    private final Map<String, String> arns = new ConcurrentHashMap<>();
    private final Map<String, String> ssoTokens = new ConcurrentHashMap<>();
    private final Map<String, String> webIdentityTokens = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<Integer> callSourcePorts = new CopyOnWriteArrayList<>();
    private final SecureRandom random = new SecureRandom();
    private volatile long lifetimeSeconds = 3600;
    private final EventLoopGroup group;
    private final Channel server;

    /** Starts the fake on an ephemeral port of 127.0.0.1, adding what it issues to {@code issued}. */
    public FakeAwsIdentity(Map<String, SigV4Verifier.Issued> issued) throws InterruptedException {
        this.issued = issued;
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    /** Returns {@code http://127.0.0.1:<port>}, for {@code AWS_ENDPOINT_URL_STS} and {@code AWS_ENDPOINT_URL_SSO}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort());
    }

    /** Adds long-term keys (a base profile's), with the ARN GetCallerIdentity reports for them. */
    public void addUser(String accessKeyId, String secret, String arn) {
        issued.put(accessKeyId, new SigV4Verifier.Issued(secret, null));
        arns.put(accessKeyId, arn);
    }

    /** Accepts this SSO access token (as cached by {@code aws sso login}) for GetRoleCredentials. */
    public void acceptSsoToken(String token) {
        ssoTokens.put(token, token);
    }

    /** Accepts this web identity token (an OIDC JWT in real life) for AssumeRoleWithWebIdentity. */
    public void acceptWebIdentityToken(String token) {
        webIdentityTokens.put(token, token);
    }

    /** Sets how long credentials issued from now on stay valid. */
    public void lifetimeSeconds(long s) {
        this.lifetimeSeconds = s;
    }

    /** Returns the ARN of the principal behind an access key id the fake issued or was given, or {@code null}. */
    public String arnOf(String accessKeyId) {
        return arns.get(accessKeyId);
    }

    /** Returns the calls served, as {@code "STS AssumeRole"} or {@code "SSO GetRoleCredentials"}, in order. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    /**
     * Returns the client port of each call's connection, in the order of {@link #calls()}, so that a test can tell
     * a call relayed by a proxy (whose upstream ports it knows) from one made directly.
     */
    public List<Integer> callSourcePorts() {
        return List.copyOf(callSourcePorts);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private String[] issue(String arn) {
        String id = "ASIA" + HexFormat.of().formatHex(random.generateSeed(8)).toUpperCase(java.util.Locale.ROOT);
        String secret = HexFormat.of().formatHex(random.generateSeed(20));
        String token = "fake-session-" + HexFormat.of().formatHex(random.generateSeed(24));
        Instant expires = Instant.now().plusSeconds(lifetimeSeconds);
        issued.put(id, new SigV4Verifier.Issued(secret, token, expires));
        arns.put(id, arn);
        return new String[] {id, secret, token, expires.toString()};
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            QueryStringDecoder path = new QueryStringDecoder(SigV4Verifier.originForm(req.uri()));
            if (req.method() == HttpMethod.GET && "/federation/credentials".equals(path.path())) {
                sso(ctx, req, path);
            } else if (req.method() == HttpMethod.POST && "/".equals(path.path())) {
                sts(ctx, req);
            } else {
                respond(ctx, HttpResponseStatus.NOT_FOUND, "text/plain", "not found");
            }
        }

        private void record(ChannelHandlerContext ctx, String call) {
            callSourcePorts.add(((InetSocketAddress) ctx.channel().remoteAddress()).getPort());
            calls.add(call);
        }

        private void sso(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q) {
            record(ctx, "SSO GetRoleCredentials");
            String token = req.headers().get("x-amz-sso_bearer_token");
            if (token == null || !ssoTokens.containsKey(token)) {
                respond(ctx, HttpResponseStatus.UNAUTHORIZED, "application/json",
                        "{\"message\":\"Session token not found or invalid\"}");
                return;
            }
            String account = first(q, "account_id");
            String role = first(q, "role_name");
            String[] c = issue("arn:aws:sts::" + account + ":assumed-role/AWSReservedSSO_" + role + "_0123/sso-user");
            long exp = Instant.parse(c[3]).toEpochMilli();
            respond(ctx, HttpResponseStatus.OK, "application/json", "{\"roleCredentials\":{\"accessKeyId\":\"" + c[0]
                    + "\",\"secretAccessKey\":\"" + c[1] + "\",\"sessionToken\":\"" + c[2] + "\",\"expiration\":"
                    + exp + "}}");
        }

        private void sts(ChannelHandlerContext ctx, FullHttpRequest req) {
            QueryStringDecoder form = new QueryStringDecoder(req.content().toString(StandardCharsets.UTF_8), false);
            String action = first(form, "Action");
            record(ctx, "STS " + action);
            if ("AssumeRoleWithWebIdentity".equals(action)) {
                String token = first(form, "WebIdentityToken");
                if (token == null || !webIdentityTokens.containsKey(token)) {
                    stsError(ctx, "InvalidIdentityToken", "the web identity token was not accepted");
                    return;
                }
                String[] c = issue(assumed(first(form, "RoleArn"), first(form, "RoleSessionName")));
                respond(ctx, HttpResponseStatus.OK, "text/xml", credentialsXml(action, c,
                        arns.get(c[0]), "<SubjectFromWebIdentityToken>system:serviceaccount:ns:sa"
                                + "</SubjectFromWebIdentityToken>"));
                return;
            }
            String bad = SigV4Verifier.verify(req, issued);
            if (bad != null) {
                respond(ctx, HttpResponseStatus.FORBIDDEN, "text/xml", errorXml("SignatureDoesNotMatch", bad));
                return;
            }
            String auth = req.headers().get("Authorization");
            int i = auth.indexOf("Credential=");
            String caller = auth.substring(i + "Credential=".length(), auth.indexOf('/', i));
            if ("AssumeRole".equals(action)) {
                String[] c = issue(assumed(first(form, "RoleArn"), first(form, "RoleSessionName")));
                respond(ctx, HttpResponseStatus.OK, "text/xml", credentialsXml(action, c, arns.get(c[0]), ""));
            } else if ("GetCallerIdentity".equals(action)) {
                String arn = arns.get(caller);
                respond(ctx, HttpResponseStatus.OK, "text/xml", "<GetCallerIdentityResponse xmlns=\"https://sts"
                        + ".amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>" + arn + "</Arn><UserId>"
                        + caller + "</UserId><Account>" + arn.split(":")[4] + "</Account></GetCallerIdentityResult>"
                        + "<ResponseMetadata><RequestId>" + java.util.UUID.randomUUID()
                        + "</RequestId></ResponseMetadata></GetCallerIdentityResponse>");
            } else {
                stsError(ctx, "InvalidAction", "unknown Action " + action);
            }
        }

        private void stsError(ChannelHandlerContext ctx, String code, String message) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "text/xml", errorXml(code, message));
        }
    }

    private static String assumed(String roleArn, String sessionName) {
        String[] p = roleArn.split(":", 6);
        String role = p[5].substring(p[5].lastIndexOf('/') + 1);
        return "arn:aws:sts::" + p[4] + ":assumed-role/" + role + "/" + sessionName;
    }

    private static String credentialsXml(String action, String[] c, String arn, String extra) {
        return "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" + action + "Result>"
                + "<Credentials><AccessKeyId>" + c[0] + "</AccessKeyId><SecretAccessKey>" + c[1]
                + "</SecretAccessKey><SessionToken>" + c[2] + "</SessionToken><Expiration>" + c[3]
                + "</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROAFAKE:x</AssumedRoleId><Arn>" + arn
                + "</Arn></AssumedRoleUser>" + extra + "</" + action + "Result><ResponseMetadata><RequestId>"
                + java.util.UUID.randomUUID() + "</RequestId></ResponseMetadata></" + action + "Response>";
    }

    private static String errorXml(String code, String message) {
        return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>"
                + code + "</Code><Message>" + message + "</Message></Error><RequestId>"
                + java.util.UUID.randomUUID() + "</RequestId></ErrorResponse>";
    }

    private static String first(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String type, String body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        r.headers().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        ctx.writeAndFlush(r);
    }

}
