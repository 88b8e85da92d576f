package org.browsersocket.runtime.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** TLS for the public port (server) and for links to {@code wss://} relays (client). */
public final class TlsContexts {
    private TlsContexts() {}

    /** The public port's TLS from PEM files; the message of a failure says what to fix. */
    public static SslContext server(Path certificateChain, Path privateKey) {
        try {
            return SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile()).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use --tls-cert " + certificateChain + " with --tls-key "
                    + privateKey + ": " + e.getMessage() + " (the key must be PEM PKCS#8, \"BEGIN PRIVATE KEY\"; "
                    + "convert one with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)", e);
        }
    }

    /**
     * A client context trusting the system's certificate authorities and, if given, the PEM
     * certificates in {@code extraTrust} (e.g. a relay's self-signed certificate).
     */
    public static SslContext client(Path extraTrust) {
        try {
            X509TrustManager system = trustManager(null);
            X509TrustManager extra = extraTrust == null ? null : trustManager(load(extraTrust));
            return SslContextBuilder.forClient().trustManager(new EitherTrustManager(extra, system)).build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use --relay-trust " + extraTrust + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path pem) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int n = 0;
            for (Certificate certificate : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("trusted-" + n++, certificate);
            }
            if (n == 0) {
                throw new CertificateException("no PEM certificate in " + pem);
            }
        }
        return store;
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (var manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** Trusts a server that either trust manager trusts (the extra one first). */
    private record EitherTrustManager(X509TrustManager extra, X509TrustManager system) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            system.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (extra != null) {
                try {
                    extra.checkServerTrusted(chain, authType);
                    return;
                } catch (CertificateException notByExtra) {
                    // fall through to the system's authorities
                }
            }
            system.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return system.getAcceptedIssuers();
        }
    }
}
