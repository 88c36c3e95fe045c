package org.stevedore.transfer.fts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the OkHttp client for an FTS3 server: our certificate or proxy for TLS client authentication, and the
 * CA certificates of an IGTF-style directory ({@code /etc/grid-security/certificates}) as trust anchors for the
 * server's host certificate. JSSE's PKIX validation is enough here: the server presents a plain host certificate,
 * never a proxy. CRLs in the directory are not consulted.
 */
public final class Fts3HttpClients {

    private static final Logger log = LoggerFactory.getLogger(Fts3HttpClients.class);

    private Fts3HttpClients() {
    }

    public static OkHttpClient create(Fts3Config config, Fts3Auth auth, Path caDirectory) {
        try {
            X509TrustManager trust = trustManager(caDirectory);
            KeyManager[] keys = auth instanceof Fts3Auth.X509 x509
                    ? new KeyManager[] {new RenewingKeyManager(x509.source())} : null;
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys, new TrustManager[] {trust}, null);
            return builder(config)
                    .sslSocketFactory(tls.getSocketFactory(), trust)
                    .build();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS for FTS " + config.endpoint() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * A client for a plain-HTTP endpoint (the in-process emulator; an FTS behind a local TLS-terminating proxy):
     * the same timeouts and sockets as {@link #create}, no TLS set-up.
     */
    public static OkHttpClient plain(Fts3Config config) {
        return builder(config).build();
    }

    private static OkHttpClient.Builder builder(Fts3Config config) {
        return new OkHttpClient.Builder()
                .socketFactory(new NoDelaySocketFactory())
                .connectTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(config.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                // Fts3Client retries itself, counted against its bounded budget.
                .retryOnConnectionFailure(false);
    }

    /** Trusts every certificate in {@code *.pem}, {@code *.crt} and hash-named {@code *.0} files of the directory. */
    static X509TrustManager trustManager(Path caDirectory) throws GeneralSecurityException, IOException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        Set<Certificate> anchors = new LinkedHashSet<>();
        List<Path> files;
        try (Stream<Path> listing = Files.list(caDirectory)) {
            files = listing.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().matches(".*\\.(pem|crt|[0-9]+)"))
                    .sorted()
                    .toList();
        }
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                anchors.addAll(factory.generateCertificates(in));
            } catch (GeneralSecurityException | IOException e) {
                log.warn("Skipping unreadable CA file {}: {}", file, e.getMessage());
            }
        }
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("no CA certificate in " + caDirectory);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (Certificate anchor : anchors) {
            store.setCertificateEntry("ca-" + i++, anchor);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JRE offers no X509 trust manager");
    }
}
