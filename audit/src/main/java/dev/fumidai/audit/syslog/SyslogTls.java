// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.syslog;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Configures RFC 5425 TLS for the syslog sink: how the collector's certificate is trusted, and optionally the client
 * certificate for mutual authentication (RFC 5425 §5).
 *
 * <ul>
 *   <li>{@link #sslContext} uses an application's own {@link SSLContext} (its key and trust managers, e.g. from the
 *       organisation's keystores) and checks that the certificate names the host connected to.</li>
 *   <li>{@link #trustCertificates} validates the chain against the given roots and checks that the certificate names
 *       the host connected to (subjectAltName DNS or IP, RFC 5425 §5.2 "certificate path validation").</li>
 *   <li>{@link #pinSha256} accepts exactly the certificates whose SHA-256 fingerprint (of the DER certificate) is
 *       listed, with no path validation and no name check (RFC 5425 §5.2 "end-entity certificate matching").</li>
 * </ul>
 * Protocols are TLS 1.3 and 1.2 with the JDK's default suites, all forward-secret as RFC 9662 asks.
 */
public final class SyslogTls {

    private final List<X509Certificate> roots;
    private final Set<String> pins;
    private final PrivateKey clientKey;
    private final List<X509Certificate> clientChain;
    private final SSLContext jdkContext;

    private SyslogTls(List<X509Certificate> roots, Set<String> pins, PrivateKey clientKey,
            List<X509Certificate> clientChain) {
        this(roots, pins, clientKey, clientChain, null);
    }

    private SyslogTls(List<X509Certificate> roots, Set<String> pins, PrivateKey clientKey,
            List<X509Certificate> clientChain, SSLContext jdkContext) {
        this.jdkContext = jdkContext;
        this.roots = roots;
        this.pins = pins;
        this.clientKey = clientKey;
        this.clientChain = clientChain;
    }

    /** Returns a configuration that trusts collectors whose chain ends at one of {@code roots} and names the host. */
    public static SyslogTls trustCertificates(X509Certificate... roots) {
        if (roots.length == 0) {
            throw new IllegalArgumentException("at least one trusted certificate");
        }
        return new SyslogTls(List.of(roots), null, null, List.of());
    }

    /**
     * Returns a configuration that trusts exactly the certificates with these SHA-256 fingerprints, written as hex
     * with or without colons, optionally prefixed {@code sha-256:} (RFC 5425 §4.2.2 notation).
     */
    public static SyslogTls pinSha256(String... fingerprints) {
        if (fingerprints.length == 0) {
            throw new IllegalArgumentException("at least one fingerprint");
        }
        Set<String> pins = java.util.Arrays.stream(fingerprints).map(SyslogTls::normalise).collect(Collectors.toSet());
        for (String p : pins) {
            if (!p.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("not a SHA-256 fingerprint: " + p);
            }
        }
        return new SyslogTls(List.of(), pins, null, List.of());
    }

    /**
     * Returns a configuration that uses {@code context} as it is: its trust managers decide which collectors are
     * trusted and its key managers which client certificate is presented. The collector's certificate must also
     * name the host connected to. TLS 1.3 and 1.2 only.
     */
    public static SyslogTls sslContext(SSLContext context) {
        return new SyslogTls(List.of(), null, null, List.of(), java.util.Objects.requireNonNull(context, "context"));
    }

    /**
     * Returns a copy that presents a client certificate (mutual authentication).
     *
     * @throws IllegalStateException on a configuration from {@link #sslContext}: its key managers say that
     */
    public SyslogTls withClientCertificate(PrivateKey key, X509Certificate... chain) {
        if (jdkContext != null) {
            throw new IllegalStateException("the SSLContext's key managers choose the client certificate");
        }
        return new SyslogTls(roots, pins, key, List.of(chain));
    }

    /** Returns whether the collector's name is checked (certificate mode) rather than its fingerprint (pinning). */
    boolean checksHostName() {
        return pins == null;
    }

    /** Returns the SHA-256 fingerprint of a certificate as lower-case hex. */
    public static String sha256(X509Certificate cert) throws CertificateEncodingException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }

    private static String normalise(String fingerprint) {
        String s = fingerprint.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("sha-256:")) {
            s = s.substring(8);
        }
        return s.replace(":", "");
    }

    SslContext newContext() throws SSLException {
        if (jdkContext != null) {
            return new JdkSslContext(jdkContext, true, null, IdentityCipherSuiteFilter.INSTANCE, null, ClientAuth.NONE,
                    new String[] {"TLSv1.3", "TLSv1.2"}, false);
        }
        SslContextBuilder b = SslContextBuilder.forClient().protocols("TLSv1.3", "TLSv1.2");
        if (pins != null) {
            b.trustManager(new PinningTrustManagerFactory(pins));
        } else {
            b.trustManager(roots);
        }
        if (clientKey != null) {
            b.keyManager(clientKey, clientChain);
        }
        return b.build();
    }

    /** Trusts the leaf certificates with a pinned SHA-256 fingerprint and nothing else. */
    private static final class PinningTrustManagerFactory extends SimpleTrustManagerFactory {
        private final X509TrustManager manager;

        PinningTrustManagerFactory(Set<String> pins) {
            manager = new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    throw new CertificateException("not a server");
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    if (chain == null || chain.length == 0) {
                        throw new CertificateException("no certificate");
                    }
                    String fp = sha256(chain[0]);
                    if (!pins.contains(fp)) {
                        throw new CertificateException("collector certificate SHA-256 " + fp + " is not pinned");
                    }
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            };
        }

        @Override
        protected void engineInit(KeyStore keyStore) {
        }

        @Override
        protected void engineInit(ManagerFactoryParameters params) {
        }

        @Override
        protected TrustManager[] engineGetTrustManagers() {
            return new TrustManager[] {manager};
        }
    }
}
