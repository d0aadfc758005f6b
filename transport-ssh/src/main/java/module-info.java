/** The fumidai SSH transport: an SSH-2 client written as Netty handlers. */
module dev.fumidai.ssh {
    requires dev.fumidai.core;

    // exports dev.fumidai.ssh once its issue lands: javac refuses to export a package that has no class yet.
}
