// SPDX-License-Identifier: Apache-2.0
/** Durable fumidai audit sinks: tamper-evident JSON Lines, RFC 5424 syslog, spool and verifier. */
module dev.fumidai.audit {
    // @NullMarked and @Nullable on the API: readers compile against them; absent at run time, nothing breaks.
    requires static transitive org.jspecify;
    requires transitive dev.fumidai.core;
    requires com.fasterxml.jackson.core;
    requires org.slf4j;
    requires io.netty.handler;
    requires io.netty.transport;
    requires io.netty.buffer;
    requires io.netty.common;

    exports dev.fumidai.audit.json;
    exports dev.fumidai.audit.file;
    exports dev.fumidai.audit.verify;
    exports dev.fumidai.audit.spool;
    exports dev.fumidai.audit.syslog;
}
