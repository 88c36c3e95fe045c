package org.stevedore.testsupport.fts;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The emulator's delegation store for its one caller: hands out a CSR for a key pair it keeps, and accepts back
 * only a certificate for that key, signed by the next certificate of the chain sent with it, carrying the
 * RFC 3820 proxyCertInfo extension. It does not check the chain up to a CA.
 */
final class EmulatedDelegation {

    static final String PROXY_CERT_INFO = "1.3.6.1.5.5.7.1.14";

    private KeyPair pending;
    private Instant terminationTime;

    synchronized String request() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            pending = generator.generateKeyPair();
            var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=fts3-emulator-delegation"),
                    pending.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(pending.getPrivate()));
            StringWriter out = new StringWriter();
            try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
                pem.writeObject(csr);
            }
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a delegation request", e);
        }
    }

    /** Stores the delegated proxy, or explains why it is refused. */
    synchronized String accept(String pem) {
        if (pending == null) {
            return "no delegation request is pending";
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                    .forEach(c -> chain.add((X509Certificate) c));
        } catch (Exception e) {
            return "the credential is not a PEM certificate chain: " + e.getMessage();
        }
        if (chain.size() < 2) {
            return "the proxy must be followed by the certificate that signed it";
        }
        X509Certificate proxy = chain.get(0);
        if (!proxy.getPublicKey().equals(pending.getPublic())) {
            return "the certificate is not for the key of the pending request";
        }
        if (proxy.getExtensionValue(PROXY_CERT_INFO) == null) {
            return "the certificate is not an RFC 3820 proxy";
        }
        try {
            proxy.verify(chain.get(1).getPublicKey());
        } catch (Exception e) {
            return "the proxy is not signed by the next certificate of the chain";
        }
        terminationTime = proxy.getNotAfter().toInstant();
        pending = null;
        return null;
    }

    synchronized Instant terminationTime() {
        return terminationTime;
    }

    synchronized void clear() {
        terminationTime = null;
    }
}
