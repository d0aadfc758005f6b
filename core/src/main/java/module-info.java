/** The fumidai core: the JumpHost API, the hop SPI, relays, listeners, audit events, direct and command transports. */
module dev.fumidai.core {
    requires transitive io.netty.transport;
    requires transitive io.netty.buffer;
    requires transitive io.netty.common;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common;
    requires io.netty.codec.socks;
    requires io.netty.codec;
    requires org.slf4j;

    exports dev.fumidai;
    exports dev.fumidai.audit;
    exports dev.fumidai.spi;

    uses dev.fumidai.spi.HopFactory;
    uses dev.fumidai.spi.SshConfigResolver;
}
