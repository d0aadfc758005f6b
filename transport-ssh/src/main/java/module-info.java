/** The fumidai SSH transport: an SSH-2 client written as Netty handlers. */
module dev.fumidai.ssh {
    requires transitive dev.fumidai.core;
    requires io.netty.codec;
    requires io.netty.handler;
    requires org.bouncycastle.provider;
    requires org.slf4j;
    // HotSpotDiagnosticMXBean, read once to order the default ciphers (internal.cipher.CipherOrder); optional.
    requires static jdk.management;

    exports dev.fumidai.ssh;
    exports dev.fumidai.ssh.config;

    provides dev.fumidai.spi.HopFactory with dev.fumidai.ssh.SshHopFactory;
    provides dev.fumidai.spi.SshConfigResolver with dev.fumidai.ssh.OpenSshConfigResolver;
}
