// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.connection;

import dev.fumidai.ssh.internal.message.SshProtocolException;
import io.netty.buffer.ByteBuf;

/** Names the message numbers of the connection protocol (RFC 4254 §9, RFC 4250 §4.1.2). */
public final class ConnectionMessageNumbers {

    public static final int GLOBAL_REQUEST = 80;
    public static final int REQUEST_SUCCESS = 81;
    public static final int REQUEST_FAILURE = 82;
    public static final int CHANNEL_OPEN = 90;
    public static final int CHANNEL_OPEN_CONFIRMATION = 91;
    public static final int CHANNEL_OPEN_FAILURE = 92;
    public static final int CHANNEL_WINDOW_ADJUST = 93;
    public static final int CHANNEL_DATA = 94;
    public static final int CHANNEL_EXTENDED_DATA = 95;
    public static final int CHANNEL_EOF = 96;
    public static final int CHANNEL_CLOSE = 97;
    public static final int CHANNEL_REQUEST = 98;
    public static final int CHANNEL_SUCCESS = 99;
    public static final int CHANNEL_FAILURE = 100;

    private ConnectionMessageNumbers() {
    }

    /** Reads the message number and fails unless it is {@code number}. */
    static void expect(ByteBuf in, int number, String name) throws SshProtocolException {
        if (!in.isReadable()) {
            throw new SshProtocolException("empty payload where " + name + " was expected");
        }
        int actual = in.readUnsignedByte();
        if (actual != number) {
            throw new SshProtocolException("message " + actual + " where " + name + " (" + number + ") was expected");
        }
    }
}
