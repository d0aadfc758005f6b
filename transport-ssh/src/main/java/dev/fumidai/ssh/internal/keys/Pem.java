// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import dev.fumidai.ssh.internal.keys.PrivateKeyException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Is one PEM-armoured block (RFC 7468, with the RFC 1421 headers OpenSSL writes for traditional encrypted
 * keys: {@code Proc-Type}, {@code DEK-Info}).
 *
 * <p>Parsed from bytes, never through a {@code String} of the whole text: the base64 body of a private key is
 * the key, and a {@code String} cannot be wiped. Only the label and header lines become strings; the base64
 * characters are gathered in an array that is zeroed once decoded.
 *
 * @param label the text after {@code BEGIN}, e.g. {@code OPENSSH PRIVATE KEY}
 * @param headers header fields before the base64 body, usually empty
 * @param body the decoded body; the caller zeroes it after use
 */
record Pem(String label, Map<String, String> headers, byte[] body) {

    private static final byte[] BEGIN = ascii("-----BEGIN ");
    private static final byte[] DASHES = ascii("-----");
    private static final byte[] PUTTY = ascii("PuTTY-User-Key-File");

    /** Finds and decodes the first PEM block in text; {@code text} is only read. */
    static Pem parse(byte[] text, String keyName) throws PrivateKeyException {
        int begin = indexOf(text, BEGIN, 0, text.length);
        if (begin < 0) {
            if (startsWith(text, PUTTY)) {
                throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + " is a PuTTY .ppk key; convert it with"
                        + " 'puttygen key.ppk -O private-openssh -o key'");
            }
            throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + " is not a PEM or OpenSSH private key");
        }
        int labelStart = begin + BEGIN.length;
        int labelEnd = indexOf(text, DASHES, labelStart, text.length);
        int newline = indexOf(text, new byte[] {'\n'}, labelStart, text.length);
        if (labelEnd < 0 || (newline >= 0 && newline < labelEnd)) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": unterminated PEM BEGIN line");
        }
        String label = new String(text, labelStart, labelEnd - labelStart, StandardCharsets.ISO_8859_1);
        byte[] endLine = ascii("-----END " + label + "-----");
        int innerStart = labelEnd + DASHES.length;
        int end = indexOf(text, endLine, innerStart, text.length);
        if (end < 0) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": no '" + SshPublicKeys.printable(
                    new String(endLine, StandardCharsets.ISO_8859_1)) + "' line");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        byte[] base64 = new byte[end - innerStart];
        int base64Length = 0;
        byte[] decoded = null;
        try {
            boolean inHeaders = true;
            boolean sawLine = false;
            int lineStart = innerStart;
            while (lineStart < end) {
                int lineEnd = lineStart;
                while (lineEnd < end && text[lineEnd] != '\n') {
                    lineEnd++;
                }
                int from = lineStart;
                int to = lineEnd;
                while (from < to && isSpace(text[from])) {
                    from++;
                }
                while (to > from && isSpace(text[to - 1])) {
                    to--;
                }
                lineStart = lineEnd + 1;
                if (from == to) {
                    // The blank line after the headers ends them; the one right after BEGIN is the line's end.
                    if (sawLine) {
                        inHeaders = false;
                    }
                    sawLine = true;
                    continue;
                }
                sawLine = true;
                int colon = indexOf(text, new byte[] {':'}, from, to);
                if (inHeaders && colon > from && base64Length == 0) {
                    headers.put(new String(text, from, colon - from, StandardCharsets.ISO_8859_1).strip(),
                            new String(text, colon + 1, to - colon - 1, StandardCharsets.ISO_8859_1).strip());
                    continue;
                }
                inHeaders = false;
                System.arraycopy(text, from, base64, base64Length, to - from);
                base64Length += to - from;
            }
            decoded = new byte[(base64Length / 4 + 1) * 3];
            int n = decode(base64, base64Length, decoded);
            return new Pem(label, headers, Arrays.copyOf(decoded, n));
        } catch (IllegalArgumentException e) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": PEM body is not valid base64");
        } finally {
            Arrays.fill(base64, (byte) 0);
            if (decoded != null) {
                Arrays.fill(decoded, (byte) 0);
            }
        }
    }

    /** Decodes {@code length} base64 bytes of {@code src} into {@code dst}, without a copy of the input. */
    private static int decode(byte[] src, int length, byte[] dst) {
        java.nio.ByteBuffer out = java.nio.ByteBuffer.wrap(dst);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(src, 0, length);
        // Base64.Decoder has no (array, offset, length) form; decode(ByteBuffer) allocates its result, which is
        // zeroed here after the copy.
        java.nio.ByteBuffer result = Base64.getDecoder().decode(in);
        int n = result.remaining();
        out.put(result);
        if (result.hasArray()) {
            Arrays.fill(result.array(), (byte) 0);
        }
        return n;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    private static boolean startsWith(byte[] text, byte[] prefix) {
        return text.length >= prefix.length && Arrays.equals(text, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static int indexOf(byte[] text, byte[] needle, int from, int to) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (text[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
