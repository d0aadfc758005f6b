// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.fake;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies an AWS Signature Version 4 {@code Authorization} header for real (AWS General Reference, "Create a
 * signed AWS API request"): the canonical request is rebuilt from the received request, signed with the secret
 * key the fake issued for the access key id, and compared. A request signed with any other secret fails, so a
 * test cannot pass with the wrong credentials.
 */
public final class SigV4Verifier {

    /** Holds what a fake issued for one access key id; {@code expiresAt} {@code null} for long-term keys. */
    public record Issued(String secretAccessKey, String sessionToken, java.time.Instant expiresAt) {
        /** Creates long-term credentials that never expire. */
        public Issued(String secretAccessKey, String sessionToken) {
            this(secretAccessKey, sessionToken, null);
        }
    }

    private SigV4Verifier() {
    }

    /**
     * Checks the request's signature; returns {@code null} when it is good, else why not.
     *
     * @param issued the secret (and session token, if any) per access key id the fakes issued
     */
    public static String verify(FullHttpRequest req, Map<String, Issued> issued) {
        String auth = req.headers().get("Authorization");
        if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 ")) {
            return "no SigV4 Authorization header";
        }
        Map<String, String> parts = new TreeMap<>();
        for (String p : auth.substring("AWS4-HMAC-SHA256 ".length()).split(",")) {
            int i = p.indexOf('=');
            if (i > 0) {
                parts.put(p.substring(0, i).trim(), p.substring(i + 1).trim());
            }
        }
        String credential = parts.get("Credential");
        String signedHeaders = parts.get("SignedHeaders");
        String signature = parts.get("Signature");
        if (credential == null || signedHeaders == null || signature == null) {
            return "incomplete Authorization header";
        }
        String[] scope = credential.split("/", 2);
        Issued who = issued.get(scope[0]);
        if (who == null) {
            return "unknown access key id " + scope[0];
        }
        if (who.expiresAt() != null && java.time.Instant.now().isAfter(who.expiresAt())) {
            return "ExpiredToken: the credentials of " + scope[0] + " expired at " + who.expiresAt();
        }
        if (who.sessionToken() != null && !who.sessionToken().equals(req.headers().get("X-Amz-Security-Token"))) {
            return "missing or wrong session token for " + scope[0];
        }
        String amzDate = req.headers().get("X-Amz-Date");
        if (amzDate == null) {
            return "no X-Amz-Date";
        }
        QueryStringDecoder q = new QueryStringDecoder(originForm(req.uri()));
        StringBuilder canonical = new StringBuilder();
        canonical.append(req.method().name()).append('\n');
        canonical.append(uriEncode(q.rawPath(), false)).append('\n');
        TreeMap<String, List<String>> params = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : q.parameters().entrySet()) {
            List<String> vs = new ArrayList<>();
            for (String v : e.getValue()) {
                vs.add(uriEncode(v, true));
            }
            vs.sort(null);
            params.put(uriEncode(e.getKey(), true), vs);
        }
        StringBuilder qs = new StringBuilder();
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            for (String v : e.getValue()) {
                if (qs.length() > 0) {
                    qs.append('&');
                }
                qs.append(e.getKey()).append('=').append(v);
            }
        }
        canonical.append(qs).append('\n');
        for (String h : signedHeaders.split(";")) {
            String v = req.headers().get(h);
            if (v == null) {
                return "signed header " + h + " missing";
            }
            canonical.append(h).append(':').append(v.trim().replaceAll(" +", " ")).append('\n');
        }
        canonical.append('\n').append(signedHeaders).append('\n');
        String payloadHash = req.headers().get("X-Amz-Content-Sha256");
        if (payloadHash == null || payloadHash.startsWith("STREAMING") || "UNSIGNED-PAYLOAD".equals(payloadHash)) {
            payloadHash = hex(sha256(ByteBufUtil.getBytes(req.content())));
        }
        canonical.append(payloadHash);
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope[1] + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        String[] s = scope[1].split("/");
        if (s.length != 4) {
            return "bad credential scope " + scope[1];
        }
        byte[] key = hmac(("AWS4" + who.secretAccessKey()).getBytes(StandardCharsets.UTF_8), s[0]);
        key = hmac(key, s[1]);
        key = hmac(key, s[2]);
        key = hmac(key, s[3]);
        String expected = hex(hmac(key, stringToSign));
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII)) ? null : "signature mismatch for " + scope[0];
    }

    private static String uriEncode(String s, boolean encodeSlash) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~' || (c == '/' && !encodeSlash)) {
                b.append(c);
            } else {
                b.append('%').append(String.format("%02X", x & 0xff));
            }
        }
        return b.toString();
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /**
     * Returns a request target in origin form: an absolute-form target ({@code http://host:port/path?q}, as a
     * client sends it to a proxy and as a proxy may pass on a kept-alive connection) loses its scheme and authority.
     */
    public static String originForm(String uri) {
        if (uri.startsWith("http://") || uri.startsWith("https://")) {
            int slash = uri.indexOf('/', uri.indexOf("//") + 2);
            int query = uri.indexOf('?', uri.indexOf("//") + 2);
            if (slash < 0 || (query >= 0 && query < slash)) {
                return "/" + (query < 0 ? "" : uri.substring(query));
            }
            return uri.substring(slash);
        }
        return uri;
    }
}
