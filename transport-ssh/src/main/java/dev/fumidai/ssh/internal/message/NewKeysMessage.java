// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.message;

import io.netty.buffer.ByteBuf;

/** Is SSH_MSG_NEWKEYS (RFC 4253 §7.3): the sender uses the new keys from its next packet on. */
public record NewKeysMessage() {

    /** Writes the message. */
    public void encode(ByteBuf out) {
        out.writeByte(SshMessageNumbers.NEWKEYS);
    }

    /** Reads the message; trailing bytes are refused. */
    public static NewKeysMessage decode(ByteBuf in) throws SshProtocolException {
        Messages.expect(in, SshMessageNumbers.NEWKEYS, "SSH_MSG_NEWKEYS");
        SshWire.requireEnd(in, "SSH_MSG_NEWKEYS");
        return new NewKeysMessage();
    }
}
