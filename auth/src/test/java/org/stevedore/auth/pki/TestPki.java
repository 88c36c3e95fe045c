package org.stevedore.auth.pki;

import eu.emi.security.authn.x509.proxy.CertificateExtension;
import eu.emi.security.authn.x509.proxy.ProxyCertificate;
import eu.emi.security.authn.x509.proxy.ProxyCertificateOptions;
import eu.emi.security.authn.x509.proxy.ProxyGenerator;
import eu.emi.security.authn.x509.proxy.ProxyType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x509.AttributeCertificate;
import org.stevedore.auth.x509.TrustSettings;

/**
 * A complete test PKI in a temporary directory, made fresh for each test JVM: a trusted CA with a CRL, host and user
 * certificates, proxies (plain, limited, of a proxy), an expired and a revoked user, a user of a CA nobody trusts,
 * and a VOMS server of VO {@value #VO} in a vomsdir with valid, expired, wrongly signed and foreign-VO attribute
 * certificates, and a proxy whose VOMS extension holds bytes that are no attribute certificate at all.
 */
public final class TestPki {

    public static final String VO = "testvo";
    public static final String OTHER_VO = "othervo";
    public static final String USER_DN = "/DC=org/DC=stevedore-test/CN=Alice Example";
    public static final String PRODUCTION_FQAN = "/testvo/Role=production";
    /** The OID of the proxy extension carrying VOMS attribute certificates. */
    public static final String VOMS_AC_OID = "1.3.6.1.4.1.8005.100.100.5";

    public final Path dir;
    public final Credential ca;
    public final Credential host;
    public final Credential user;
    public final Credential proxy;
    public final Credential limitedProxy;
    public final Credential proxyOfProxy;
    public final Credential expiredUser;
    public final Credential revokedUser;
    public final Credential untrustedUser;
    public final Credential vomsServer;
    public final Credential vomsProxy;
    public final Credential expiredAcProxy;
    public final Credential wrongKeyAcProxy;
    public final Credential otherVoProxy;
    public final Credential garbledAcProxy;

    private static TestPki shared;

    /** One PKI per JVM: RSA key generation is the slow part, and nothing here is mutated by tests. */
    public static synchronized TestPki get() {
        if (shared == null) {
            shared = new TestPki();
        }
        return shared;
    }

    private TestPki() {
        Clock clock = Clock.systemUTC();
        PkiBuilder pki = new PkiBuilder(clock, new SecureRandom());
        try {
            dir = Files.createTempDirectory("stevedore-test-pki");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Instant now = clock.instant();
        ca = pki.ca("/DC=org/DC=stevedore-test/CN=Test CA", Duration.ofDays(30));
        host = pki.host(ca, "localhost");
        user = pki.user(ca, USER_DN);
        proxy = pki.proxy(user, Duration.ofHours(12), false);
        limitedProxy = pki.proxy(user, Duration.ofHours(12), true);
        proxyOfProxy = pki.proxy(proxy, Duration.ofHours(6), false);
        expiredUser = pki.user(ca, "/DC=org/DC=stevedore-test/CN=Expired User", now.minus(Duration.ofDays(10)),
                now.minus(Duration.ofDays(1)));
        revokedUser = pki.user(ca, "/DC=org/DC=stevedore-test/CN=Revoked User");
        Credential otherCa = pki.ca("/DC=org/DC=elsewhere/CN=Untrusted CA", Duration.ofDays(30));
        untrustedUser = pki.user(otherCa, USER_DN);
        PkiBuilder.writeCaDirectory(caDirectory(), ca.certificate(), pki.crl(ca, revokedUser.certificate()));
        PkiBuilder.writeCertificates(hostCertificate(), host.certificate());
        PkiBuilder.writeKey(hostKey(), host.key());

        vomsServer = pki.vomsServer(ca, "localhost");
        PkiBuilder.writeLsc(vomsDirectory(), VO, "voms.localhost", vomsServer);
        Instant from = now.minus(Duration.ofMinutes(5));
        Instant to = now.plus(Duration.ofHours(12));
        List<String> fqans = List.of("/testvo", PRODUCTION_FQAN);
        vomsProxy = pki.proxy(user, Duration.ofHours(12), false,
                pki.attributeCertificate(vomsServer, user.certificate(), VO, "voms.localhost", fqans, from, to));
        AttributeCertificate expired = pki.attributeCertificate(vomsServer, user.certificate(), VO, "voms.localhost",
                fqans, now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)));
        expiredAcProxy = pki.proxy(user, Duration.ofHours(12), false, expired);
        // The trusted VOMS certificate is embedded, but the signature is made with another key.
        Credential forger = new Credential(pki.keyPair().getPrivate(), vomsServer.chain());
        wrongKeyAcProxy = pki.proxy(user, Duration.ofHours(12), false,
                pki.attributeCertificate(forger, user.certificate(), VO, "voms.localhost", fqans, from, to));
        otherVoProxy = pki.proxy(user, Duration.ofHours(12), false,
                pki.attributeCertificate(vomsServer, user.certificate(), OTHER_VO, "voms.localhost",
                        List.of("/othervo", "/othervo/Role=production"), from, to));
        garbledAcProxy = proxyWithGarbledAc(user, now);
    }

    /** A proxy whose VOMS extension is well-formed DER but not a sequence of attribute certificates. */
    private static Credential proxyWithGarbledAc(Credential parent, Instant now) {
        try {
            ProxyCertificateOptions options = new ProxyCertificateOptions(parent.chain());
            options.setType(ProxyType.RFC3820);
            options.setValidityBounds(Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofHours(12))));
            options.setKeyLength(2048);
            options.addExtension(new CertificateExtension(VOMS_AC_OID,
                    new DERSequence(new DERSequence(new DERUTF8String("not an attribute certificate"))), false));
            ProxyCertificate proxy = ProxyGenerator.generate(options, parent.key());
            return new Credential(proxy.getPrivateKey(), proxy.getCertificateChain());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot make a proxy", e);
        }
    }

    public Path caDirectory() {
        return dir.resolve("certificates");
    }

    public Path vomsDirectory() {
        return dir.resolve("vomsdir");
    }

    public Path hostCertificate() {
        return dir.resolve("hostcert.pem");
    }

    public Path hostKey() {
        return dir.resolve("hostkey.pem");
    }

    public TrustSettings trust() {
        return new TrustSettings(caDirectory(), vomsDirectory(), Duration.ofMinutes(10), false);
    }
}
