// SPDX-License-Identifier: Apache-2.0
/** The fumidai SSH transport: an SSH-2 client written as Netty handlers. */
module dev.fumidai.ssh {
    // @NullMarked and @Nullable on the API: readers compile against them; absent at run time, nothing breaks.
    requires static transitive org.jspecify;
    requires transitive dev.fumidai.core;
    requires io.netty.codec;
    requires io.netty.handler;
    requires org.bouncycastle.provider;
    requires org.slf4j;
    // HotSpotDiagnosticMXBean, read once to order the default ciphers (internal.cipher.CipherOrder). Not static:
    // a module graph without it (a jlink image, --limit-modules) would silently put chacha20-poly1305 first.
    requires jdk.management;
    // SunEC (X25519, ECDH, ECDSA, Ed25519 in Java 17) is a provider module that nothing else requires: a jlink
    // image without it fails every key exchange with "X25519 KeyPairGenerator not available".
    requires jdk.crypto.ec;

    exports dev.fumidai.ssh;
    exports dev.fumidai.ssh.config;
    // Netty-level types (an exec channel, its stderr events); the API packages above use JDK types only.
    exports dev.fumidai.ssh.spi;

    provides dev.fumidai.spi.HopFactory with dev.fumidai.ssh.SshHopFactory;
    provides dev.fumidai.spi.SshConfigResolver with dev.fumidai.ssh.OpenSshConfigResolver;
}
