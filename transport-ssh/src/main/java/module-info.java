/** The fumidai SSH transport: an SSH-2 client written as Netty handlers. */
module dev.fumidai.ssh {
    requires transitive dev.fumidai.core;

    exports dev.fumidai.ssh;
}
