// SPDX-License-Identifier: Apache-2.0
/** The fumidai SSM transport: AWS Session Manager port forwarding without the session-manager-plugin. */
module dev.fumidai.ssm {
    // SsmHop implements the core's Hop and takes its Target; builders take an AwsCredentialsProvider (and the
    // fake service, in the test-jar, a Netty SslContext): readers of this module get those modules.
    // @NullMarked and @Nullable on the API: readers compile against them; absent at run time, nothing breaks.
    requires static transitive org.jspecify;
    requires transitive dev.fumidai.core;
    requires com.fasterxml.jackson.core;
    requires io.netty.codec;
    requires io.netty.codec.http;
    // The data-channel websocket tunnels through an HTTPS proxy with HTTP CONNECT.
    requires io.netty.handler.proxy;
    requires io.netty.resolver;
    requires transitive io.netty.handler;
    requires io.netty.transport.classes.epoll;
    requires org.slf4j;
    requires software.amazon.awssdk.services.ssm;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.awscore;
    requires transitive software.amazon.awssdk.auth;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.urlconnection;
    requires software.amazon.awssdk.identity.spi;
    requires software.amazon.awssdk.utils;
    requires software.amazon.awssdk.profiles;
    // The SSO, SSO OIDC and STS clients that SSO, assume-role and web-identity profiles need (AwsCredentialChain).
    requires software.amazon.awssdk.services.sso;
    requires software.amazon.awssdk.services.ssooidc;
    requires software.amazon.awssdk.services.sts;
    // Optional (by-name targets): ecs:<cluster>/<task>/<container> and name:<Name tag>; absent, those fail naming
    // the artifact and the plain ids keep working.
    requires static software.amazon.awssdk.services.ecs;
    requires static software.amazon.awssdk.services.ec2;

    exports dev.fumidai.ssm;
    // The fake Session Manager service (dev.fumidai.ssm.fake) lives in this module's test-jar, not here: a
    // production jar carries no unauthenticated HTTP/websocket server.

    provides dev.fumidai.spi.HopFactory with dev.fumidai.ssm.SsmHopFactory;
}
