// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.spi;

import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Is implemented by a {@link HopSession} whose hop can listen on its side and send the connections back (SSH
 * {@code tcpip-forward}, RFC 4254 §7.1, and {@code streamlocal-forward@openssh.com}, OpenSSH PROTOCOL §2.4), so
 * that {@code JumpHost.remoteForward} can ask the last hop of a route.
 */
public interface RemoteForwardingSession {

    /**
     * Is one connection the hop accepted: a stream channel (held, {@code autoRead} off, as {@link StreamChannels}
     * says) and the originator the hop reported (empty and 0 when it reported none).
     */
    record IncomingStream(Channel channel, String originAddress, int originPort) {
    }

    /** Is a listener on the hop. */
    interface Listening {
        /** Returns the address the hop listens on as requested ({@code ""} for all), or the socket path. */
        String bindAddress();

        /** Returns the port the hop listens on (the allocated one when 0 was asked), or 0 for a Unix socket. */
        int boundPort();

        /** Returns whether this listens on a Unix socket of the hop. */
        boolean isUnixSocket();

        /**
         * Asks the hop to stop listening ({@code cancel-tcpip-forward}) and stops accepting its connections; the
         * future fails when the hop refuses or the session broke.
         */
        CompletableFuture<Void> cancel();
    }

    /**
     * Asks the hop to listen on {@code bindAddress:port} (port 0: the hop picks one) and hands each connection to
     * {@code acceptor}, on the session's event loop (it must not block).
     *
     * @return the listener, or failed with {@link dev.fumidai.RemoteForwardRefusedException} naming the hop
     */
    CompletableFuture<Listening> listenTcp(String bindAddress, int port, Consumer<IncomingStream> acceptor);

    /** Asks the hop to listen on the Unix socket {@code path} of its machine, as {@link #listenTcp} does. */
    CompletableFuture<Listening> listenUnix(String path, Consumer<IncomingStream> acceptor);
}
