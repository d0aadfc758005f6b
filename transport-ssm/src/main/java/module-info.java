/** The fumidai SSM transport: AWS Session Manager port forwarding without the session-manager-plugin. */
module dev.fumidai.ssm {
    requires dev.fumidai.core;
    requires com.fasterxml.jackson.core;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.handler;
    requires org.slf4j;

    // The fake Session Manager service is a test fixture that users may run too (SSM spec §12).
    exports dev.fumidai.ssm.fake;
}
