// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.session;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;

/** Lets tests in other packages start the shared test peers. */
public final class TestPeersAccess {

    private TestPeersAccess() {
    }

    /** Starts an echo server on 127.0.0.1; the caller closes it. */
    public static Channel echoServer(EventLoopGroup group) throws InterruptedException {
        return TestPeers.echoServer(group);
    }
}
