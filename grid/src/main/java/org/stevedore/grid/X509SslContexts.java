package org.stevedore.grid;

import java.io.IOException;
import java.io.Reader;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Builds the TLS context for storage connections (and other grid HTTPS endpoints, such as tape REST APIs) from PEM
 * files. Bouncy Castle only parses PEM here; the keys and certificates are converted with the JDK's own providers, so
 * no global security provider is registered.
 */
public final class X509SslContexts {

    /** IGTF CA directories name certificates {@code <hash>.0}, {@code .1}...; CRLs ({@code .r0}) and policies are skipped. */
    private static final Pattern CA_FILE = Pattern.compile(".+\\.(\\d+|pem|crt)");
    private static final String ALIAS = "client";

    private X509SslContexts() {
    }

    /**
     * A TLS context presenting {@code credentials} (null: no client certificate) and trusting {@code trust} (null: the
     * JVM's trust store).
     */
    public static SSLContext create(X509Credentials credentials, TrustAnchors trust) {
        try {
            if (credentials == null && trust == null) {
                return SSLContext.getDefault();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(credentials == null ? null : new X509ExtendedKeyManager[] {keyManager(credentials)},
                    trust == null ? null : trustManagers(trust), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot set up TLS for storages: " + e.getMessage(), e);
        }
    }

    private static X509ExtendedKeyManager keyManager(X509Credentials credentials) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        for (Object object : readPem(credentials.certificate())) {
            if (object instanceof X509CertificateHolder holder) {
                chain.add(certificate(holder));
            }
        }
        for (Object object : readPem(credentials.privateKey())) {
            if (object instanceof PEMKeyPair pair) {
                key = new JcaPEMKeyConverter().getPrivateKey(pair.getPrivateKeyInfo());
            } else if (object instanceof PrivateKeyInfo info) {
                key = new JcaPEMKeyConverter().getPrivateKey(info);
            } else if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new IllegalArgumentException("The private key in " + credentials.privateKey()
                        + " is encrypted; a service needs an unencrypted key (or a proxy)");
            }
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("No certificate in " + credentials.certificate());
        }
        if (key == null) {
            throw new IllegalArgumentException("No private key in " + credentials.privateKey());
        }
        return new SingleIdentity(key, chain.toArray(X509Certificate[]::new));
    }

    private static TrustManager[] trustManagers(TrustAnchors trust) throws IOException, GeneralSecurityException {
        List<Path> files;
        if (trust.caBundle() != null) {
            files = List.of(trust.caBundle());
        } else {
            try (Stream<Path> listing = Files.list(trust.caDirectory())) {
                files = listing.filter(p -> CA_FILE.matcher(p.getFileName().toString()).matches()).sorted().toList();
            }
        }
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        int count = 0;
        for (Path file : files) {
            for (Object object : readPem(file)) {
                if (object instanceof X509CertificateHolder holder) {
                    anchors.setCertificateEntry("ca-" + count++, certificate(holder));
                }
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("No CA certificate found in " + (trust.caBundle() != null ? trust.caBundle() : trust.caDirectory()));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        return factory.getTrustManagers();
    }

    private static List<Object> readPem(Path file) throws IOException {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        }
        return objects;
    }

    private static X509Certificate certificate(X509CertificateHolder holder) throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    /**
     * Always presents the one configured identity. The JDK's key managers pick a certificate whose issuer the server
     * lists as acceptable; a proxy certificate is issued by the user, not by a CA, and could be dropped by that choice.
     */
    private static final class SingleIdentity extends X509ExtendedKeyManager {
        private final PrivateKey key;
        private final X509Certificate[] chain;

        SingleIdentity(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[0];
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }
    }
}
