// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.spi;

import dev.fumidai.ssh.SshExitStatus;
import dev.fumidai.ssh.SshHopSession;
import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * Is a command running on an SSH hop ({@code session} channel with {@code exec}, RFC 4254 §6.5), started with
 * {@link SshHopSession#exec}.
 *
 * <h2>Streams</h2>
 * {@link #channel()} follows the {@link dev.fumidai.spi.StreamChannels} contract: bytes written to it are the
 * command's standard input ({@code shutdownOutput()} sends EOF), {@code ByteBuf} reads are its standard output,
 * and its standard error arrives as {@link SshExtendedDataEvent} user events. The channel is handed out with
 * {@code autoRead} off and a holding handler: add your handlers, then call
 * {@link dev.fumidai.spi.StreamChannels#release}.
 *
 * <h2>Audit</h2>
 * The start was recorded as {@code exec.start}; {@code exec.end} is recorded once the channel has closed, with
 * the exit status or signal and the bytes moved each way.
 *
 * <h2>Closing</h2>
 * The server closes the channel after the command ends; the channel closes once its output has been read.
 * Closing it earlier asks the server to end the command.
 */
public final class SshExec {

    private final String command;
    private final Channel channel;
    private final CompletableFuture<SshExitStatus> exit;

    /** Creates the handle; the transport does, and applications get one from {@link SshHopSession#exec}. */
    public SshExec(String command, Channel channel, CompletableFuture<SshExitStatus> exit) {
        this.command = command;
        this.channel = channel;
        this.exit = exit;
    }

    /** Returns the command line as sent to the server. */
    public String command() {
        return command;
    }

    /** Returns the channel carrying the command's standard input, output and error. */
    public Channel channel() {
        return channel;
    }

    /**
     * Returns how the command ended; completed once the channel has closed on both sides (a server may send the
     * exit status after its EOF), or with {@link SshExitStatus#status() no status} when the connection broke.
     * It completes on the connection's event loop: stages that block belong on another executor.
     */
    public CompletableFuture<SshExitStatus> exitStatus() {
        return exit;
    }

    @Override
    public String toString() {
        return "SshExec[" + channel + "]";
    }
}
