// SPDX-License-Identifier: Apache-2.0
/** The fumidai core: the JumpHost API, the hop SPI, relays, listeners, audit events, direct and command transports. */
module dev.fumidai.core {
    // @NullMarked and @Nullable on the API: readers compile against them; absent at run time, nothing breaks.
    requires static transitive org.jspecify;
    requires transitive io.netty.transport;
    requires transitive io.netty.buffer;
    requires transitive io.netty.common;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common;
    // Slf4jAuditSink.create(Logger) takes an SLF4J type.
    requires transitive org.slf4j;
    requires io.netty.codec.socks;
    requires io.netty.codec;

    exports dev.fumidai;
    exports dev.fumidai.audit;
    exports dev.fumidai.spi;
    // Internal, shared with fumidai's own modules only: the one retry backoff (full jitter) that the disk spool
    // and the SSM reconnect use too. javac warns that these modules are absent when core is compiled alone.
    exports dev.fumidai.internal.retry to dev.fumidai.audit, dev.fumidai.ssm;

    uses dev.fumidai.spi.HopFactory;
    uses dev.fumidai.spi.SshConfigResolver;
}
