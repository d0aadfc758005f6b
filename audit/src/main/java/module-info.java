/** Durable fumidai audit sinks: tamper-evident JSON Lines, RFC 5424 syslog, spool and verifier. */
module dev.fumidai.audit {
    requires dev.fumidai.core;

    // exports dev.fumidai.audit.file once its issue lands: javac refuses to export a package that has no class yet.
}
