package org.stevedore.transfer.fts;

import eu.emi.security.authn.x509.proxy.CertificateExtension;
import eu.emi.security.authn.x509.proxy.ProxyGenerator;
import eu.emi.security.authn.x509.proxy.ProxyPolicy;
import eu.emi.security.authn.x509.proxy.ProxyRequestOptions;
import eu.emi.security.authn.x509.proxy.ProxyType;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Signs the certificate request FTS3 hands out for delegation as an RFC 3820 proxy of our own credential: issuer =
 * our subject, subject = issuer plus one {@code CN=<serial>}, the proxyCertInfo extension with the "inherit all"
 * policy, and an expiry within our chain (a proxy that outlives its issuer would be rejected by FTS's validation).
 * canl's {@code ProxyGenerator} (the library that validates proxies on our HTTPS connector) builds the certificate;
 * this class checks the request, bounds the validity and chooses the options.
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
            Instant now = clock.instant();
            Instant notAfter = now.plus(lifetime);
            if (notAfter.isAfter(signer.notAfter())) {
                notAfter = signer.notAfter();
            }
            if (!notAfter.isAfter(now)) {
                throw new IllegalStateException("the signing credential " + signer + " has expired");
            }
            Instant notBefore = now.minus(BACKDATE);
            Instant issuerNotBefore = signer.certificate().getNotBefore().toInstant();
            if (notBefore.isBefore(issuerNotBefore)) {
                notBefore = issuerNotBefore;
            }
            // canl builds the RFC 3820 proxy: subject = issuer + CN=<serial>, critical proxyCertInfo with the policy,
            // CA:false, the proxy key usage, signed with our key in our certificate's signature algorithm.
            ProxyRequestOptions options = new ProxyRequestOptions(
                    signer.chain().toArray(X509Certificate[]::new), request);
            options.setType(ProxyType.RFC3820);
            options.setSerialNumber(new BigInteger(62, random).add(BigInteger.ONE));
            options.setValidityBounds(Date.from(notBefore), Date.from(notAfter));
            options.setPolicy(new ProxyPolicy(INHERIT_ALL.getId()));
            options.setProxyKeyUsageMask(KeyUsage.digitalSignature | KeyUsage.keyEncipherment);
            // canl leaves basicConstraints out (RFC 3820 allows it); OpenSSL-based validators of older sites want an
            // explicit, critical CA:false on an end-entity proxy.
            options.addExtension(new CertificateExtension(Extension.basicConstraints.getId(),
                    new BasicConstraints(false), true));
            return ProxyGenerator.generate(options, signer.privateKey())[0];
        } catch (OperatorCreationException | PKCSException | GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot sign the delegation request: " + e.getMessage(), e);
        }
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
