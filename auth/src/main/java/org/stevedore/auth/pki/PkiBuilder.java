package org.stevedore.auth.pki;

import eu.emi.security.authn.x509.helpers.trust.OpensslTruststoreHelper;
import eu.emi.security.authn.x509.proxy.ProxyCertificate;
import eu.emi.security.authn.x509.proxy.ProxyCertificateOptions;
import eu.emi.security.authn.x509.proxy.ProxyGenerator;
import eu.emi.security.authn.x509.proxy.ProxyType;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AttributeCertificate;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509AttributeCertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.italiangrid.voms.asn1.VOMSACGenerator;

/**
 * Makes grid PKI material with Bouncy Castle and canl: CAs, CRLs, host, user and VOMS server certificates, RFC 3820
 * proxies (limited, of proxies, with VOMS attribute certificates), and the CA directory and vomsdir files that
 * describe them. Used for the development PKI of the embedded default and by the tests; never for production trust.
 *
 * <p>DNs are given in certificate order as OpenSSL prints them ({@code /DC=org/DC=example/CN=Jane}).
 */
public final class PkiBuilder {

    private final Clock clock;
    private final SecureRandom random;
    private final KeyPairGenerator keys;

    public PkiBuilder(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
        // The VOMS AC generator asks for provider "BC" by name; canl registers it (idempotent).
        eu.emi.security.authn.x509.impl.CertificateUtils.configureSecProvider();
        try {
            this.keys = KeyPairGenerator.getInstance("RSA");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        // 2048 bits: what IGTF requires; proxies get the same.
        this.keys.initialize(2048, random);
    }

    public KeyPair keyPair() {
        return keys.generateKeyPair();
    }

    /** A self-signed CA valid from an hour ago for {@code validity}. */
    public Credential ca(String dn, Duration validity) {
        KeyPair pair = keyPair();
        Instant now = clock.instant();
        return sign(name(dn), pair, name(dn), pair.getPrivate(), null, now.minus(Duration.ofHours(1)), now.plus(validity),
                Kind.CA, null);
    }

    /** A user certificate (clientAuth) issued by {@code ca}. */
    public Credential user(Credential ca, String dn, Instant notBefore, Instant notAfter) {
        return issue(ca, dn, notBefore, notAfter, Kind.USER, null);
    }

    public Credential user(Credential ca, String dn) {
        Instant now = clock.instant();
        return user(ca, dn, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)));
    }

    /** A host certificate (serverAuth and clientAuth) for {@code hostname}, also valid for 127.0.0.1 and ::1. */
    public Credential host(Credential ca, String hostname) {
        Instant now = clock.instant();
        return issue(ca, "/DC=dev/DC=stevedore/CN=" + hostname, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(365)), Kind.HOST, hostname);
    }

    /** A VOMS server certificate (the attribute authority's signing certificate). */
    public Credential vomsServer(Credential ca, String hostname) {
        Instant now = clock.instant();
        return issue(ca, "/DC=dev/DC=stevedore/CN=voms." + hostname, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(365)), Kind.HOST, hostname);
    }

    /** A CRL of {@code ca} revoking the given certificates, valid for a week. */
    public X509CRL crl(Credential ca, X509Certificate... revoked) {
        Instant now = clock.instant();
        try {
            X509v2CRLBuilder b = new X509v2CRLBuilder(X500Name.getInstance(
                    ca.certificate().getSubjectX500Principal().getEncoded()), Date.from(now.minus(Duration.ofMinutes(5))));
            b.setNextUpdate(Date.from(now.plus(Duration.ofDays(7))));
            for (X509Certificate c : revoked) {
                b.addCRLEntry(c.getSerialNumber(), Date.from(now.minus(Duration.ofMinutes(1))), CRLReason.keyCompromise);
            }
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(ca.certificate()));
            b.addExtension(Extension.cRLNumber, false, new org.bouncycastle.asn1.x509.CRLNumber(serial()));
            return new JcaX509CRLConverter().getCRL(b.build(signer(ca.key())));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot make a CRL", e);
        }
    }

    /** A VOMS attribute certificate for the holder certificate, signed by a VOMS server credential. */
    public AttributeCertificate attributeCertificate(Credential vomsServer, X509Certificate holder, String vo,
                                                     String host, List<String> fqans, Instant notBefore,
                                                     Instant notAfter) {
        {
            // Not canl's KeyAndCertCredential: it refuses a key that does not match the certificate, and the tests
            // need exactly that to make a forged attribute certificate.
            VOMSACGenerator generator = new VOMSACGenerator(new SigningCredential(vomsServer));
            X509AttributeCertificateHolder ac = generator.generateVOMSAttributeCertificate(fqans, List.of(), List.of(),
                    holder, serial(), Date.from(notBefore), Date.from(notAfter), vo, host, 15000);
            return ac.toASN1Structure();
        }
    }

    /** An RFC 3820 proxy of {@code parent}, valid for {@code lifetime}, carrying the given attribute certificates. */
    public Credential proxy(Credential parent, Duration lifetime, boolean limited, AttributeCertificate... acs) {
        try {
            ProxyCertificateOptions options = new ProxyCertificateOptions(parent.chain());
            options.setType(ProxyType.RFC3820);
            options.setLimited(limited);
            Instant now = clock.instant();
            options.setValidityBounds(Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(lifetime)));
            options.setKeyLength(2048);
            if (acs.length > 0) {
                options.setAttributeCertificates(acs);
            }
            ProxyCertificate proxy = ProxyGenerator.generate(options, parent.key());
            return new Credential(proxy.getPrivateKey(), proxy.getCertificateChain());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot make a proxy", e);
        }
    }

    /** Only what the AC generator reads: the signing key and the certificate it embeds. */
    private record SigningCredential(Credential credential) implements eu.emi.security.authn.x509.X509Credential {
        @Override
        public java.security.KeyStore getKeyStore() {
            throw new UnsupportedOperationException();
        }

        @Override
        public javax.net.ssl.X509ExtendedKeyManager getKeyManager() {
            throw new UnsupportedOperationException();
        }

        @Override
        public char[] getKeyPassword() {
            return new char[0];
        }

        @Override
        public String getKeyAlias() {
            return "voms";
        }

        @Override
        public PrivateKey getKey() {
            return credential.key();
        }

        @Override
        public X509Certificate getCertificate() {
            return credential.certificate();
        }

        @Override
        public X509Certificate[] getCertificateChain() {
            return credential.chain();
        }

        @Override
        public String getSubjectName() {
            return credential.certificate().getSubjectX500Principal().getName();
        }
    }

    // ---- files ----

    /** Writes a CA certificate and its CRL into an OpenSSL-style CA directory as {@code <hash>.0} and {@code .r0}. */
    public static void writeCaDirectory(Path dir, X509Certificate ca, X509CRL crl) {
        String hash = OpensslTruststoreHelper.getOpenSSLCAHash(ca.getSubjectX500Principal(), true);
        writePem(dir.resolve(hash + ".0"), ca);
        if (crl != null) {
            writePem(dir.resolve(hash + ".r0"), crl);
        }
    }

    /** Writes {@code <vomsdir>/<vo>/<host>.lsc}: the VOMS server's DN, then its CA's DN, in slash form. */
    public static void writeLsc(Path vomsdir, String vo, String host, Credential vomsServer) {
        X509Certificate c = vomsServer.certificate();
        write(vomsdir.resolve(vo).resolve(host + ".lsc"),
                slash(c.getSubjectX500Principal()) + "\n" + slash(c.getIssuerX500Principal()) + "\n", false);
    }

    /** Writes certificates (and optionally the key after the first, as grid proxy files have it) as PEM. */
    public static void writeCertificates(Path file, X509Certificate... chain) {
        write(file, pem((Object[]) chain), false);
    }

    /** Writes a private key as unencrypted PKCS#8 PEM, readable by its owner only. */
    public static void writeKey(Path file, PrivateKey key) {
        write(file, pem(key), true);
    }

    /** A proxy file as grid tools write it: the proxy certificate, its key, then the rest of the chain. */
    public static void writeProxyFile(Path file, Credential proxy) {
        List<Object> parts = new ArrayList<>();
        parts.add(proxy.chain()[0]);
        parts.add(proxy.key());
        for (int i = 1; i < proxy.chain().length; i++) {
            parts.add(proxy.chain()[i]);
        }
        write(file, pem(parts.toArray()), true);
    }

    public static void writePem(Path file, Object object) {
        write(file, pem(object), false);
    }

    public static String pem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                writer.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(Path file, String content, boolean secret) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            if (secret) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(file);
                }
            }
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String slash(javax.security.auth.x500.X500Principal p) {
        return org.stevedore.auth.x509.Dns.slashForm(p);
    }

    // ---- certificates ----

    private enum Kind { CA, USER, HOST }

    private Credential issue(Credential ca, String dn, Instant notBefore, Instant notAfter, Kind kind, String host) {
        KeyPair pair = keyPair();
        X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
        Credential issued = sign(name(dn), pair, issuer, ca.key(), ca.certificate(), notBefore, notAfter, kind, host);
        X509Certificate[] chain = {issued.certificate(), ca.certificate()};
        return new Credential(pair.getPrivate(), chain);
    }

    private Credential sign(X500Name subject, KeyPair pair, X500Name issuer, PrivateKey issuerKey,
                            X509Certificate issuerCert, Instant notBefore, Instant notAfter, Kind kind, String host) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(notBefore),
                    Date.from(notAfter), subject, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            if (issuerCert != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
            }
            switch (kind) {
                case CA -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case USER -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
                            | KeyUsage.keyEncipherment | KeyUsage.dataEncipherment));
                    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
                }
                case HOST -> {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    b.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                            new GeneralName(GeneralName.dNSName, host),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                            new GeneralName(GeneralName.iPAddress, "::1")}));
                }
                default -> throw new IllegalArgumentException(kind.name());
            }
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(signer(issuerKey)));
            return new Credential(pair.getPrivate(), new X509Certificate[]{cert});
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot make a certificate", e);
        }
    }

    private static ContentSigner signer(PrivateKey key) {
        try {
            return new JcaContentSignerBuilder("SHA256withRSA").build(key);
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private BigInteger serial() {
        return new BigInteger(63, random).add(BigInteger.ONE);
    }

    /** Slash form, certificate order, to an X500Name with the RDNs in that same order. */
    static X500Name name(String slashDn) {
        if (!slashDn.startsWith("/")) {
            throw new IllegalArgumentException("DN must be in slash form: " + slashDn);
        }
        String[] parts = slashDn.substring(1).split("/");
        return new X500Name(String.join(",", parts));
    }
}
