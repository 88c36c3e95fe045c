package org.stevedore.transfer.fts;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Signs the certificate request FTS3 hands out for delegation as an RFC 3820 proxy of our own credential: issuer =
 * our subject, subject = issuer plus one {@code CN=<serial>}, the proxyCertInfo extension with the "inherit all"
 * policy, and an expiry within our chain (a proxy that outlives its issuer would be rejected by FTS's validation).
 */
public final class ProxySigner {

    /** id-pe-proxyCertInfo (RFC 3820). */
    public static final ASN1ObjectIdentifier PROXY_CERT_INFO = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.1.14");
    /** id-ppl-inheritAll: the proxy carries all the rights of its issuer. */
    public static final ASN1ObjectIdentifier INHERIT_ALL = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.21.1");
    /** Tolerates clocks a little behind ours on the server side. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);

    private final Clock clock;
    private final SecureRandom random;

    public ProxySigner(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    /**
     * Signs the PEM request and returns what FTS3 expects on {@code PUT /delegation/{id}/credential}: the proxy
     * certificate PEM followed by our chain (no key: the key stays on the server that made the request).
     */
    public String signToPem(String csrPem, X509Credential signer, Duration lifetime) {
        X509Certificate proxy = sign(parseRequest(csrPem), signer, lifetime);
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(proxy);
            for (X509Certificate c : signer.chain()) {
                pem.writeObject(c);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public X509Certificate sign(PKCS10CertificationRequest request, X509Credential signer, Duration lifetime) {
        try {
            // A request whose signature does not verify was not made by the holder of its key: refuse to certify it.
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder()
                    .build(request.getSubjectPublicKeyInfo()))) {
                throw new IllegalArgumentException("the delegation request's signature does not verify");
            }
            X509Certificate issuerCert = signer.certificate();
            X500Name issuer = X500Name.getInstance(issuerCert.getSubjectX500Principal().getEncoded());
            BigInteger serial = new BigInteger(62, random).add(BigInteger.ONE);
            RDN[] rdns = Arrays.copyOf(issuer.getRDNs(), issuer.getRDNs().length + 1);
            rdns[rdns.length - 1] = new RDN(BCStyle.CN, new DERUTF8String(serial.toString()));
            X500Name subject = new X500Name(rdns);

            Instant now = clock.instant();
            Instant notAfter = now.plus(lifetime);
            if (notAfter.isAfter(signer.notAfter())) {
                notAfter = signer.notAfter();
            }
            if (!notAfter.isAfter(now)) {
                throw new IllegalStateException("the signing credential " + signer + " has expired");
            }
            Instant notBefore = now.minus(BACKDATE);
            Instant issuerNotBefore = issuerCert.getNotBefore().toInstant();
            if (notBefore.isBefore(issuerNotBefore)) {
                notBefore = issuerNotBefore;
            }

            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuer, serial, Date.from(notBefore),
                    Date.from(notAfter), subject, request.getSubjectPublicKeyInfo());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            // ProxyCertInfo ::= SEQUENCE { pCPathLenConstraint OPTIONAL (absent), proxyPolicy SEQUENCE { inheritAll } }
            builder.addExtension(PROXY_CERT_INFO, true, new DERSequence(new DERSequence(INHERIT_ALL)));
            ContentSigner contentSigner = new JcaContentSignerBuilder(signatureAlgorithm(signer))
                    .build(signer.privateKey());
            return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
        } catch (OperatorCreationException | PKCSException | IOException | CertificateException e) {
            throw new IllegalStateException("cannot sign the delegation request: " + e.getMessage(), e);
        }
    }

    private static String signatureAlgorithm(X509Credential signer) {
        String keyAlgorithm = signer.privateKey().getAlgorithm();
        return switch (keyAlgorithm) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            default -> throw new IllegalStateException("unsupported key algorithm " + keyAlgorithm);
        };
    }

    static PKCS10CertificationRequest parseRequest(String csrPem) {
        try (PEMParser parser = new PEMParser(new StringReader(csrPem))) {
            Object o = parser.readObject();
            if (o instanceof PKCS10CertificationRequest request) {
                return request;
            }
            throw new IllegalArgumentException("the delegation request is not a PEM certificate request");
        } catch (IOException e) {
            throw new IllegalArgumentException("the delegation request is not valid PEM: " + e.getMessage(), e);
        }
    }
}
