// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import dev.fumidai.audit.HopInfo;
import dev.fumidai.internal.command.ProcessStreamChannel;
import dev.fumidai.spi.Hop;
import dev.fumidai.spi.HopContext;
import dev.fumidai.spi.HopSession;
import dev.fumidai.spi.Hops;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Reaches targets by running a command and using its stdin and stdout as the stream, as OpenSSH's
 * {@code ProxyCommand} does: each stream runs the command once. It lets an SSH hop ride on {@code sshd -i}, a
 * {@code socat} or any tool that speaks bytes on stdio.
 *
 * <p>The command is an argument vector, never a shell line: tokens are replaced inside each argument ({@code %h}
 * the target host or Unix path, {@code %p} the port, {@code %%} a percent sign) and no shell parses the result,
 * so a host name cannot inject a command. Immutable and thread-safe.
 *
 * <h2>Closing</h2>
 * Closing a stream kills its process (TERM, then KILL after two seconds) and reaps it.
 */
public final class CommandHop implements Hop {

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final File directory;

    private CommandHop(String name, List<String> command, Map<String, String> environment, File directory) {
        this.name = name;
        this.command = command;
        this.environment = environment;
        this.directory = directory;
    }

    /**
     * Returns a hop that runs the given argument vector for each stream.
     *
     * @throws IllegalArgumentException if the vector is empty
     */
    public static CommandHop of(String... argv) {
        return of(List.of(argv));
    }

    /** Returns a hop that runs the given argument vector for each stream. */
    public static CommandHop of(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command hop needs a command");
        }
        String prog = argv.get(0);
        return new CommandHop(prog.substring(prog.lastIndexOf('/') + 1), List.copyOf(argv), Map.of(), null);
    }

    /** Returns a copy with a logical name for messages and audit records. */
    public CommandHop named(String newName) {
        return new CommandHop(Objects.requireNonNull(newName, "name"), command, environment, directory);
    }

    /** Returns a copy that adds these variables to the process environment. */
    public CommandHop withEnvironment(Map<String, String> env) {
        return new CommandHop(name, command, Map.copyOf(env), directory);
    }

    /** Returns a copy that runs in this working directory. */
    public CommandHop inDirectory(File dir) {
        return new CommandHop(name, command, environment, dir);
    }

    /** Returns the argument vector with the tokens replaced for a target. */
    public List<String> commandFor(Target target) {
        List<String> out = new ArrayList<>(command.size());
        for (String arg : command) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < arg.length(); i++) {
                char c = arg.charAt(i);
                if (c == '%' && i + 1 < arg.length()) {
                    char t = arg.charAt(++i);
                    switch (t) {
                        case 'h':
                            sb.append(target.isUnixSocket() ? target.path() : target.host());
                            break;
                        case 'p':
                            sb.append(target.port());
                            break;
                        case '%':
                            sb.append('%');
                            break;
                        default:
                            throw new IllegalArgumentException("unknown token %" + t + " in command argument \""
                                    + arg + "\" (known: %h %p %%)");
                    }
                } else {
                    sb.append(c);
                }
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String transport() {
        return "command";
    }

    @Override
    public @Nullable Target address() {
        return null;
    }

    @Override
    public HopInfo describe() {
        return HopInfo.basic("command", name, null, 0);
    }

    @Override
    public CompletableFuture<HopSession> connect(HopContext ctx) {
        return CompletableFuture.completedFuture(new Session(ctx.eventLoopGroup(), ctx.newConnectionId()));
    }

    @Override
    public String toString() {
        return "CommandHop" + command;
    }

    private final class Session implements HopSession {
        private final EventLoopGroup group;
        private final String connectionId;
        private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
        private final Map<Channel, Boolean> streams = new ConcurrentHashMap<>();
        private volatile boolean open = true;

        Session(EventLoopGroup group, String connectionId) {
            this.group = group;
            this.connectionId = connectionId;
        }

        @Override
        public CompletableFuture<Channel> open(Target target) {
            if (!open) {
                return CompletableFuture.failedFuture(new HopDisconnectedException(Hops.describe(CommandHop.this),
                        "session closed", null));
            }
            List<String> argv;
            try {
                argv = commandFor(target);
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(new TargetUnreachableException(
                        Hops.describe(CommandHop.this, target), e.getMessage(), e));
            }
            Process p;
            try {
                ProcessBuilder pb = new ProcessBuilder(argv);
                pb.environment().putAll(environment);
                if (directory != null) {
                    pb.directory(directory);
                }
                p = pb.start();
            } catch (IOException e) {
                return CompletableFuture.failedFuture(new TargetUnreachableException(
                        Hops.describe(CommandHop.this, target), "cannot run " + argv.get(0) + ": " + e.getMessage(), e));
            }
            ProcessStreamChannel ch = new ProcessStreamChannel(p, Hops.describe(CommandHop.this, target)
                    + " pid " + p.pid());
            CompletableFuture<Channel> result = new CompletableFuture<>();
            group.next().register(ch).addListener(f -> {
                if (f.isSuccess()) {
                    streams.put(ch, Boolean.TRUE);
                    ch.closeFuture().addListener(x -> streams.remove(ch));
                    ch.start();
                    result.complete(ch);
                } else {
                    p.destroyForcibly();
                    result.completeExceptionally(new TargetUnreachableException(
                            Hops.describe(CommandHop.this, target), "cannot register the process stream", f.cause()));
                }
            });
            return result;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public HopInfo info() {
            return describe();
        }

        @Override
        public String connectionId() {
            return connectionId;
        }

        @Override
        public CompletableFuture<Void> closeFuture() {
            return closeFuture;
        }

        @Override
        public CompletableFuture<Void> close() {
            open = false;
            for (Channel c : streams.keySet()) {
                c.close();
            }
            closeFuture.complete(null);
            return closeFuture;
        }
    }
}
