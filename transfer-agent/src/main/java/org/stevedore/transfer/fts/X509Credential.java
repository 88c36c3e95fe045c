package org.stevedore.transfer.fts;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The service's certificate or proxy: a private key and its chain, end entity (or proxy) first.
 *
 * <p>{@link #toString()} names the subject only: the key must never reach a log.
 */
public record X509Credential(PrivateKey privateKey, List<X509Certificate> chain) {

    public X509Credential {
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a credential needs at least its own certificate");
        }
    }

    /**
     * Reads PEM files: {@code certificates} holds the certificate chain, end entity first (a grid proxy file holds
     * the proxy, its key and the chain, so both paths may be the same file); {@code privateKey} holds an
     * unencrypted key, PKCS#1 or PKCS#8. Encrypted keys are refused: a daemon has nobody to type a passphrase.
     */
    public static X509Credential load(Path certificates, Path privateKey) {
        List<X509Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        try {
            for (Object pem : readPem(certificates)) {
                if (pem instanceof X509CertificateHolder holder) {
                    chain.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
            JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
            for (Object pem : readPem(privateKey)) {
                if (pem instanceof PEMKeyPair pair) {
                    key = keys.getPrivateKey(pair.getPrivateKeyInfo());
                } else if (pem instanceof PrivateKeyInfo info) {
                    key = keys.getPrivateKey(info);
                }
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("cannot read the X509 credential from " + certificates + " and "
                    + privateKey + ": " + e.getMessage(), e);
        }
        if (key == null) {
            throw new IllegalArgumentException("no unencrypted private key in " + privateKey);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no certificate in " + certificates);
        }
        return new X509Credential(key, chain);
    }

    private static List<Object> readPem(Path path) throws IOException {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(path); PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                objects.add(o);
            }
        }
        return objects;
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The earliest expiry in the chain: nothing this credential signs may outlive it. */
    public Instant notAfter() {
        return chain.stream().map(c -> c.getNotAfter().toInstant()).min(Comparator.naturalOrder()).orElseThrow();
    }

    @Override
    public String toString() {
        return "X509Credential[" + certificate().getSubjectX500Principal().getName().replaceAll("[\r\n]", "") + "]";
    }
}
