/** The fumidai SSM transport: AWS Session Manager port forwarding without the session-manager-plugin. */
module dev.fumidai.ssm {
    // SsmHop implements the core's Hop and takes its Target; builders take an AwsCredentialsProvider and
    // an SslContext (the fake service too): readers of this module get those modules.
    requires transitive dev.fumidai.core;
    requires com.fasterxml.jackson.core;
    requires io.netty.codec;
    requires io.netty.codec.http;
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

    exports dev.fumidai.ssm;
    // The fake Session Manager service is a test fixture that users may run too (SSM spec §12).
    exports dev.fumidai.ssm.fake;

    provides dev.fumidai.spi.HopFactory with dev.fumidai.ssm.SsmHopFactory;
}
