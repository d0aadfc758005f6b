// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.interop;

import dev.fumidai.ssh.internal.message.KexInitMessage;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Reads a server's first KEXINIT over a plain socket, to learn which algorithms it offers. */
final class ServerKexInitProbe {

    private ServerKexInitProbe() {
    }

    static KexInitMessage probe(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("SSH-2.0-probe\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("EOF before the version line");
                }
                if (c == '\n') {
                    if (line.toString().startsWith("SSH-")) {
                        break;
                    }
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
            DataInputStream data = new DataInputStream(in);
            int length = data.readInt();
            byte[] packet = new byte[length];
            data.readFully(packet);
            int padding = packet[0] & 0xff;
            var buf = Unpooled.wrappedBuffer(packet, 1, length - 1 - padding);
            return KexInitMessage.decode(buf);
        }
    }
}
