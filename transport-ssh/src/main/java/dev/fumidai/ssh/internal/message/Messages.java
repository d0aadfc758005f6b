// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;

/** Checks message numbers while decoding; shared by the message records. */
final class Messages {

    private Messages() {
    }

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
