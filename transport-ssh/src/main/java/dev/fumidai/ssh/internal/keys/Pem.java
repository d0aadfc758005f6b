// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.keys;

import dev.fumidai.ssh.internal.keys.PrivateKeyException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Is one PEM-armoured block (RFC 7468, with the RFC 1421 headers OpenSSL writes for traditional encrypted
 * keys: {@code Proc-Type}, {@code DEK-Info}).
 *
 * @param label the text after {@code BEGIN}, e.g. {@code OPENSSH PRIVATE KEY}
 * @param headers header fields before the base64 body, usually empty
 * @param body the decoded body; the caller zeroes it after use
 */
record Pem(String label, Map<String, String> headers, byte[] body) {

    /** Finds and decodes the first PEM block in text. */
    static Pem parse(String text, String keyName) throws PrivateKeyException {
        int begin = text.indexOf("-----BEGIN ");
        if (begin < 0) {
            if (text.startsWith("PuTTY-User-Key-File")) {
                throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + " is a PuTTY .ppk key; convert it with"
                        + " 'puttygen key.ppk -O private-openssh -o key'");
            }
            throw new PrivateKeyException(Reason.UNSUPPORTED, keyName + " is not a PEM or OpenSSH private key");
        }
        int labelEnd = text.indexOf("-----", begin + 11);
        if (labelEnd < 0) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": unterminated PEM BEGIN line");
        }
        String label = text.substring(begin + 11, labelEnd);
        String endLine = "-----END " + label + "-----";
        int end = text.indexOf(endLine, labelEnd);
        if (end < 0) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": no '" + endLine + "' line");
        }
        String inner = text.substring(labelEnd + 5, end).strip();
        Map<String, String> headers = new LinkedHashMap<>();
        StringBuilder base64 = new StringBuilder(inner.length());
        boolean inHeaders = true;
        for (String rawLine : inner.split("\r?\n")) {
            String line = rawLine.strip();
            if (line.isEmpty()) {
                inHeaders = false;
                continue;
            }
            int colon = line.indexOf(':');
            if (inHeaders && colon > 0 && base64.length() == 0) {
                headers.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                continue;
            }
            inHeaders = false;
            base64.append(line);
        }
        try {
            byte[] body = Base64.getDecoder().decode(base64.toString().getBytes(StandardCharsets.US_ASCII));
            return new Pem(label, headers, body);
        } catch (IllegalArgumentException e) {
            throw new PrivateKeyException(Reason.MALFORMED, keyName + ": PEM body is not valid base64");
        }
    }
}
