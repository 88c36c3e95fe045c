package org.stevedore.transfer.fts;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** A tiny PKI for the FTS tests: a CA, a user certificate signed by it, and delegation requests. */
final class FtsTestPki {

    final KeyPair caKeys = rsa();
    final X509Certificate ca;

    FtsTestPki() {
        Instant now = Instant.now();
        X500Name name = new X500Name("DC=org,DC=stevedore-test,CN=Test CA");
        ca = certificate(name, caKeys, name, caKeys, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)),
                true);
    }

    /** A user credential signed by the CA, expiring after {@code lifetime}. */
    X509Credential user(String commonName, Duration lifetime) {
        KeyPair keys = rsa();
        Instant now = Instant.now();
        X509Certificate cert = certificate(new X500Name("DC=org,DC=stevedore-test,O=Robots,CN=" + commonName),
                keys, X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), caKeys,
                now.minus(Duration.ofHours(1)), now.plus(lifetime), false);
        return new X509Credential(keys.getPrivate(), List.of(cert, ca));
    }

    /** What FTS hands out on GET /delegation/{id}/request: a CSR for a key pair only the server holds. */
    static String delegationRequest(KeyPair serverKeys) {
        try {
            var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=delegation"), serverKeys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(serverKeys.getPrivate()));
            StringWriter out = new StringWriter();
            try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
                pem.writeObject(csr);
            }
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate certificate(X500Name subject, KeyPair subjectKeys, X500Name issuer,
                                               KeyPair issuerKeys, Instant notBefore, Instant notAfter,
                                               boolean isCa) {
        try {
            var builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(System.nanoTime()),
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            builder.addExtension(Extension.keyUsage, true, isCa
                    ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                    : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
