// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import dev.fumidai.ssh.internal.message.KexInitMessage;
import dev.fumidai.ssh.internal.message.SshMessageNumbers;
import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the first key exchange of a connection with a real server, blocking, over plain streams and the
 * {@code none} cipher, up to the server's signed reply (no NEWKEYS is sent), and records it as a
 * {@link RecordedKex}. Our client offers exactly one kex method and the ssh-ed25519 host key; the kex code under
 * test is {@link KeyExchanges}, fed by a {@link RecordedKex.TapeRandom}.
 */
public final class KexRecorder {

    /** The ssh-client spec's 256 KiB receive limit; an 8192-bit DH reply or a KEXINIT is far smaller. */
    static final int MAX_PACKET = 256 * 1024;
    public static final String CLIENT_VERSION = "SSH-2.0-fumidai_kat";

    private KexRecorder() {
    }

    /** Returns the tape seed used when recording {@code kex}: fixed, so a re-recording sends the same client side. */
    public static byte[] seedFor(String kex) throws Exception {
        return MessageDigest.getInstance("SHA-256")
                .digest(("fumidai kex known answer " + kex).getBytes(StandardCharsets.UTF_8));
    }

    /** Runs one exchange and returns the recording, with the fields a replay needs plus K and H. */
    public static RecordedKex exchange(String kex, byte[] seed, InputStream in, OutputStream out) throws Exception {
        out.write((CLIENT_VERSION + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String serverVersion = readVersion(in);
        byte[] cookie = java.util.Arrays.copyOf(seedFor("cookie " + kex), KexInitMessage.COOKIE_LENGTH);
        KexInitMessage ours = new KexInitMessage(cookie, List.of(kex), List.of("ssh-ed25519"),
                List.of("aes128-ctr"), List.of("aes128-ctr"), List.of("hmac-sha2-256"), List.of("hmac-sha2-256"),
                List.of("none"), List.of("none"), List.of(), List.of(), false, 0);
        ByteBuf b = Unpooled.buffer();
        ours.encode(b);
        byte[] clientKexInit = RecordedKex.drain(b);
        writePacket(out, clientKexInit);
        DataInputStream data = new DataInputStream(in);
        byte[] serverKexInit = readPacket(data);
        if (serverKexInit[0] != SshMessageNumbers.KEXINIT) {
            throw new IOException("expected the server's KEXINIT, got message " + serverKexInit[0]);
        }
        RecordedKex.TapeRandom tape = RecordedKex.TapeRandom.recording(seed);
        ExchangeHashInput input = new ExchangeHashInput(CLIENT_VERSION, serverVersion, clientKexInit, serverKexInit);
        KeyExchange exchange = KeyExchanges.create(kex, input, tape);
        List<byte[]> clientMessages = new ArrayList<>();
        List<byte[]> serverMessages = new ArrayList<>();
        java.util.function.Consumer<ByteBuf> send = m -> {
            byte[] payload = RecordedKex.drain(m);
            clientMessages.add(payload);
            try {
                writePacket(out, payload);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        exchange.start(ByteBufAllocator.DEFAULT, send);
        KexResult result = null;
        while (result == null) {
            byte[] payload = readPacket(data);
            serverMessages.add(payload);
            ByteBuf p = Unpooled.wrappedBuffer(payload);
            try {
                result = exchange.handle(p, ByteBufAllocator.DEFAULT, send);
            } finally {
                p.release();
            }
        }
        Map<String, String> f = new LinkedHashMap<>();
        f.put("kex", kex);
        f.put("client.version", CLIENT_VERSION);
        f.put("server.version", serverVersion);
        f.put("client.kexinit", RecordedKex.HEX.formatHex(clientKexInit));
        f.put("server.kexinit", RecordedKex.HEX.formatHex(serverKexInit));
        f.put("client.tape", RecordedKex.HEX.formatHex(tape.drawn()));
        for (int i = 0; i < clientMessages.size(); i++) {
            f.put("client." + (i + 1), RecordedKex.HEX.formatHex(clientMessages.get(i)));
        }
        for (int i = 0; i < serverMessages.size(); i++) {
            f.put("server." + (i + 1), RecordedKex.HEX.formatHex(serverMessages.get(i)));
        }
        f.put("host.key", RecordedKex.HEX.formatHex(result.hostKey()));
        f.put("signature", RecordedKex.HEX.formatHex(result.signature()));
        f.put("K", RecordedKex.HEX.formatHex(result.encodedSecret()));
        f.put("H", RecordedKex.HEX.formatHex(result.exchangeHash()));
        return new RecordedKex(f);
    }

    static String readVersion(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int lines = 0; lines < 64;) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("EOF before the server's version line");
            }
            if (c == '\n') {
                String l = line.toString();
                if (l.endsWith("\r")) {
                    l = l.substring(0, l.length() - 1);
                }
                if (l.startsWith("SSH-")) {
                    return l;
                }
                line.setLength(0);
                lines++;
            } else if (line.length() < 255) {
                line.append((char) c);
            } else {
                throw new IOException("version line too long");
            }
        }
        throw new IOException("no version line in 64 lines");
    }

    /** Writes an unencrypted binary packet (RFC 4253 §6): 8-byte blocks, at least 4 bytes of padding. */
    static void writePacket(OutputStream out, byte[] payload) throws IOException {
        int padding = 8 - ((5 + payload.length) % 8);
        if (padding < 4) {
            padding += 8;
        }
        ByteBuf b = Unpooled.buffer();
        try {
            b.writeInt(1 + payload.length + padding);
            b.writeByte(padding);
            b.writeBytes(payload);
            b.writeZero(padding);
            out.write(RecordedKex.drain(b.retain()));
            out.flush();
        } finally {
            b.release();
        }
    }

    /** Reads the next unencrypted packet's payload, skipping IGNORE and DEBUG, failing on DISCONNECT. */
    static byte[] readPacket(DataInputStream in) throws IOException {
        while (true) {
            int length = in.readInt();
            if (length < 5 || length > MAX_PACKET) {
                throw new IOException("packet length " + length);
            }
            byte[] packet = new byte[length];
            in.readFully(packet);
            int padding = packet[0] & 0xff;
            byte[] payload = java.util.Arrays.copyOfRange(packet, 1, length - padding);
            int type = payload[0] & 0xff;
            if (type == SshMessageNumbers.IGNORE || type == SshMessageNumbers.DEBUG) {
                continue;
            }
            if (type == SshMessageNumbers.DISCONNECT) {
                ByteBuf p = Unpooled.wrappedBuffer(payload, 1, payload.length - 1);
                try {
                    long code = SshWire.readUint32(p);
                    throw new IOException("server disconnected (" + code + "): " + SshWire.readString(p));
                } catch (dev.fumidai.ssh.internal.message.SshProtocolException e) {
                    throw new IOException("server disconnected", e);
                } finally {
                    p.release();
                }
            }
            return payload;
        }
    }
}
