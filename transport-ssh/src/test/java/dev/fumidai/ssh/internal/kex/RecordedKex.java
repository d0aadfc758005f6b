// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.kex;

import dev.fumidai.ssh.internal.message.SshWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds one recorded client-side key exchange with a real server: both version lines, both KEXINIT payloads,
 * every random byte our client drew for its ephemeral key (the "tape"), the messages each side sent, and the
 * K and H we computed. The server's ssh-ed25519 signature over H is the independent evidence: a server that
 * computed another H would not have signed ours.
 *
 * <p>The file format is {@code key = value} lines ({@code #} starts a comment), values in hex where binary.
 */
public record RecordedKex(Map<String, String> fields) {

    static final HexFormat HEX = HexFormat.of();
    /** Where the recorder writes and the replay reads, relative to the module directory. */
    public static final Path SOURCE_DIR = Path.of("src", "test", "resources", "kat", "kex");

    public RecordedKex {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** Names the resource file of a kex method ({@code @} is not welcome in every file system tool). */
    public static String fileName(String kex) {
        return kex.replace("@", "_at_") + ".kex";
    }

    public String get(String key) {
        String v = fields.get(key);
        if (v == null) {
            throw new IllegalArgumentException("recorded exchange has no " + key);
        }
        return v;
    }

    public byte[] bytes(String key) {
        return HEX.parseHex(get(key));
    }

    /** Lists the numbered fields {@code prefix.1, prefix.2, ...} in order. */
    public List<byte[]> numbered(String prefix) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 1; fields.containsKey(prefix + "." + i); i++) {
            out.add(bytes(prefix + "." + i));
        }
        return out;
    }

    public static RecordedKex parse(String text) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf(" = ");
            if (eq < 0) {
                throw new IllegalArgumentException("not a key = value line: " + l);
            }
            f.put(l.substring(0, eq), l.substring(eq + 3));
        }
        return new RecordedKex(f);
    }

    public String format(String comment) {
        StringBuilder b = new StringBuilder();
        for (String c : comment.split("\n")) {
            b.append("# ").append(c).append('\n');
        }
        fields.forEach((k, v) -> b.append(k).append(" = ").append(v).append('\n'));
        return b.toString();
    }

    public static RecordedKex load(String kex) throws IOException {
        String name = "/kat/kex/" + fileName(kex);
        try (var in = RecordedKex.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no recorded exchange " + name);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    public void writeSource(String comment) throws IOException {
        Files.createDirectories(SOURCE_DIR);
        Files.writeString(SOURCE_DIR.resolve(fileName(get("kex"))), format(comment));
    }

    /**
     * Replays the exchange through our kex code with the recorded tape as its only randomness, checks that we
     * send the recorded messages, and returns the result for the recorded server messages.
     */
    public KexResult replay() throws Exception {
        ExchangeHashInput input = new ExchangeHashInput(get("client.version"), get("server.version"),
                bytes("client.kexinit"), bytes("server.kexinit"));
        TapeRandom tape = TapeRandom.replaying(bytes("client.tape"));
        KeyExchange kex = KeyExchanges.create(get("kex"), input, tape);
        List<byte[]> sent = new ArrayList<>();
        kex.start(io.netty.buffer.ByteBufAllocator.DEFAULT, b -> sent.add(drain(b)));
        KexResult result = null;
        for (byte[] message : numbered("server")) {
            if (result != null) {
                throw new AssertionError("the kex finished before the last recorded server message");
            }
            ByteBuf p = Unpooled.wrappedBuffer(message);
            try {
                result = kex.handle(p, io.netty.buffer.ByteBufAllocator.DEFAULT, b -> sent.add(drain(b)));
            } finally {
                p.release();
            }
        }
        List<byte[]> recorded = numbered("client");
        if (sent.size() != recorded.size()) {
            throw new AssertionError("sent " + sent.size() + " messages, recorded " + recorded.size());
        }
        for (int i = 0; i < sent.size(); i++) {
            if (!java.util.Arrays.equals(sent.get(i), recorded.get(i))) {
                throw new AssertionError("client message " + (i + 1) + " differs from the recording");
            }
        }
        tape.requireExhausted();
        return result;
    }

    static byte[] drain(ByteBuf b) {
        try {
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }

    /**
     * Verifies an ssh-ed25519 signature blob over {@code h} with an ssh-ed25519 host key blob, using the JDK
     * directly (RFC 8709 §4, §6), not this library's verifier.
     */
    public static boolean verifyEd25519(byte[] hostKeyBlob, byte[] signatureBlob, byte[] h) throws Exception {
        ByteBuf k = Unpooled.wrappedBuffer(hostKeyBlob);
        ByteBuf s = Unpooled.wrappedBuffer(signatureBlob);
        try {
            if (!"ssh-ed25519".equals(SshWire.readString(k)) || !"ssh-ed25519".equals(SshWire.readString(s))) {
                throw new IllegalArgumentException("the recorder expects an ssh-ed25519 host key");
            }
            byte[] raw = SshWire.readBytes(k);
            byte[] sig = SshWire.readBytes(s);
            // RFC 8032 §5.1.3: little-endian y with the sign of x in the top bit.
            boolean xOdd = (raw[31] & 0x80) != 0;
            byte[] be = new byte[32];
            for (int i = 0; i < 32; i++) {
                be[i] = raw[31 - i];
            }
            be[0] &= 0x7f;
            PublicKey pub = KeyFactory.getInstance("Ed25519").generatePublic(
                    new EdECPublicKeySpec(NamedParameterSpec.ED25519, new EdECPoint(xOdd, new BigInteger(1, be))));
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(pub);
            v.update(h);
            return v.verify(sig);
        } finally {
            k.release();
            s.release();
        }
    }

    /**
     * Supplies a kex's randomness: either a deterministic stream (SHA-256 in counter mode over a seed) that
     * remembers what it handed out, or a replay of such a recording that refuses to run past its end.
     */
    public static final class TapeRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final transient byte[] seed;
        private final transient byte[] replay;
        private final transient java.io.ByteArrayOutputStream drawn = new java.io.ByteArrayOutputStream();
        private transient long counter;
        private transient int position;

        private TapeRandom(byte[] seed, byte[] replay) {
            super(new byte[0]);
            this.seed = seed;
            this.replay = replay;
        }

        public static TapeRandom recording(byte[] seed) {
            return new TapeRandom(seed.clone(), null);
        }

        public static TapeRandom replaying(byte[] tape) {
            return new TapeRandom(null, tape.clone());
        }

        @Override
        public synchronized void nextBytes(byte[] bytes) {
            if (replay != null) {
                if (position + bytes.length > replay.length) {
                    throw new AssertionError("the kex asked for more randomness than was recorded");
                }
                System.arraycopy(replay, position, bytes, 0, bytes.length);
                position += bytes.length;
                return;
            }
            int off = 0;
            while (off < bytes.length) {
                byte[] block = block(counter++);
                int n = Math.min(block.length, bytes.length - off);
                System.arraycopy(block, 0, bytes, off, n);
                off += n;
            }
            drawn.writeBytes(bytes);
        }

        private byte[] block(long n) {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                md.update(seed);
                md.update(java.nio.ByteBuffer.allocate(8).putLong(n).array());
                return md.digest();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public byte[] generateSeed(int numBytes) {
            byte[] b = new byte[numBytes];
            nextBytes(b);
            return b;
        }

        @Override
        public void setSeed(long seed) {
            // The JDK's constructor calls this; a tape is never reseeded.
        }

        @Override
        public void setSeed(byte[] seed) {
            // Never reseeded.
        }

        public synchronized byte[] drawn() {
            return drawn.toByteArray();
        }

        synchronized void requireExhausted() {
            if (position != replay.length) {
                throw new AssertionError("the kex used " + position + " of " + replay.length + " recorded random bytes");
            }
        }
    }
}
