/** The fumidai SSM transport: AWS Session Manager port forwarding without the session-manager-plugin. */
module dev.fumidai.ssm {
    requires dev.fumidai.core;
    requires com.fasterxml.jackson.core;
    requires org.slf4j;

    // exports dev.fumidai.ssm once its issue lands: javac refuses to export a package that has no class yet.
}
