// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm.internal.session;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Is the HTTP proxy that both the control-plane calls and the data-channel websocket go through, resolved as the
 * AWS CLI resolves it. Sources, first found wins:
 * <ol>
 * <li>the environment: {@code https_proxy}, then {@code HTTPS_PROXY}, as {@code [http://][user:password@]host[:port]}
 * (port 80 when absent, as the AWS CLI's urllib3); hosts excluded by {@code no_proxy}, then {@code NO_PROXY};
 * <li>the JDK's properties {@code https.proxyHost} and {@code https.proxyPort} (443 when absent, as the JDK);
 * hosts excluded by {@code http.nonProxyHosts}.
 * </ol>
 * {@code NO_PROXY} is a comma-separated list: {@code *} bypasses every host; {@code example.com} or
 * {@code .example.com} bypasses that host and every host under it; an IP literal bypasses exactly that address;
 * a {@code :port} suffix on an entry is ignored. {@code http.nonProxyHosts} is {@code |}-separated, with a
 * {@code *} allowed at the start or end of a pattern, as the JDK reads it. Nothing else is bypassed: unlike the
 * JDK's default selector, loopback addresses go through the proxy unless listed. Only {@code http://} proxies
 * (HTTP CONNECT) are supported; another scheme is refused.
 *
 * @param host the proxy's host
 * @param port the proxy's port
 * @param username the proxy user, or {@code null}
 * @param password the proxy password, or {@code null}
 * @param noProxy the bypass patterns, in the syntax of their source
 * @param jdkPatterns whether {@code noProxy} holds {@code http.nonProxyHosts} patterns rather than NO_PROXY ones
 */
public record HttpsProxy(String host, int port, String username, String password, List<String> noProxy,
        boolean jdkPatterns) {

    /** Checks the fields. */
    public HttpsProxy {
        Objects.requireNonNull(host, "host");
        noProxy = List.copyOf(noProxy);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("proxy port " + port + " is out of range 1..65535");
        }
    }

    /**
     * Resolves the proxy from an environment and a set of JDK properties, or returns {@code null} when neither
     * names one.
     *
     * @throws IllegalArgumentException when the configured proxy cannot be used (the message names the variable)
     */
    public static HttpsProxy resolve(Map<String, String> environment, Properties properties) {
        String var = "https_proxy";
        String url = environment.get(var);
        if (url == null || url.isBlank()) {
            var = "HTTPS_PROXY";
            url = environment.get(var);
        }
        if (url != null && !url.isBlank()) {
            String no = environment.get("no_proxy");
            if (no == null) {
                no = environment.get("NO_PROXY");
            }
            return fromUrl(url.strip(), var, split(no, ","), false);
        }
        String host = properties.getProperty("https.proxyHost");
        if (host == null || host.isBlank()) {
            return null;
        }
        String p = properties.getProperty("https.proxyPort");
        int port;
        try {
            port = p == null || p.isBlank() ? 443 : Integer.parseInt(p.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("https.proxyPort \"" + p + "\" is not a number", e);
        }
        return new HttpsProxy(host.strip(), port, null, null, split(properties.getProperty("http.nonProxyHosts"), "|"),
                true);
    }

    private static HttpsProxy fromUrl(String url, String var, List<String> noProxy, boolean jdk) {
        String u = url.contains("://") ? url : "http://" + url;
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(var + " is not a proxy URL: " + e.getReason(), e);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException(var + ": only http:// proxies (HTTP CONNECT) are supported, not "
                    + uri.getScheme() + "://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(var + " names no proxy host");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            user = URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8);
            password = colon < 0 ? "" : URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8);
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HttpsProxy(host, uri.getPort() == -1 ? 80 : uri.getPort(), user, password, noProxy, jdk);
    }

    private static List<String> split(String list, String separator) {
        List<String> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        for (String s : list.split(java.util.regex.Pattern.quote(separator))) {
            String t = s.strip();
            if (!t.isEmpty()) {
                out.add(t.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** Returns whether a connection to this host goes around the proxy (see the class comment). */
    public boolean bypasses(String targetHost) {
        String h = targetHost.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        for (String p : noProxy) {
            if (jdkPatterns ? jdkMatch(p, h) : noProxyMatch(p, h)) {
                return true;
            }
        }
        return false;
    }

    private static boolean noProxyMatch(String entry, String host) {
        if (entry.equals("*")) {
            return true;
        }
        String e = entry;
        if (e.startsWith("[")) {
            int close = e.indexOf(']');
            e = close < 0 ? e : e.substring(1, close);
        } else if (e.indexOf(':') == e.lastIndexOf(':') && e.indexOf(':') > 0) {
            e = e.substring(0, e.indexOf(':')); // host:port: the port is ignored
        }
        if (e.startsWith("*.")) {
            e = e.substring(1);
        }
        if (e.startsWith(".")) {
            return host.endsWith(e) || host.equals(e.substring(1));
        }
        return host.equals(e) || host.endsWith("." + e);
    }

    private static boolean jdkMatch(String pattern, String host) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.startsWith("*")) {
            return host.endsWith(pattern.substring(1));
        }
        if (pattern.endsWith("*")) {
            return host.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return host.equals(pattern);
    }

    /** Describes the proxy without its password. */
    @Override
    public String toString() {
        return "HttpsProxy[" + host + ":" + port + (username == null ? "" : " user " + username)
                + (noProxy.isEmpty() ? "" : " bypassing " + noProxy) + "]";
    }
}
