package org.stevedore.transfer.storage;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.grid.TrustAnchors;
import org.stevedore.grid.X509Credentials;

/** X509 client authentication and trust: a storage over HTTPS that demands a client certificate from our CA. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebDavStorageTlsTest {

    private static final char[] PASSWORD = "changeit".toCharArray();

    private Path pki;
    private WireMockServer server;
    private String base;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        pki = dir;
        KeyPair caKeys = rsa();
        X509Certificate ca = certificate("CN=Test CA,O=Stevedore", caKeys, "CN=Test CA,O=Stevedore", caKeys, true, null);
        KeyPair hostKeys = rsa();
        X509Certificate host = certificate("CN=localhost,O=Stevedore", hostKeys, "CN=Test CA,O=Stevedore", caKeys, false,
                new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost")}));
        KeyPair userKeys = rsa();
        X509Certificate user = certificate("CN=Jane Doe,O=Stevedore", userKeys, "CN=Test CA,O=Stevedore", caKeys, false, null);
        KeyPair otherCaKeys = rsa();
        X509Certificate otherCa = certificate("CN=Other CA", otherCaKeys, "CN=Other CA", otherCaKeys, true, null);

        pem(dir.resolve("ca-bundle.pem"), ca);
        pem(dir.resolve("other-ca.pem"), otherCa);
        pem(dir.resolve("usercert.pem"), user);
        pem(dir.resolve("userkey.pem"), userKeys.getPrivate());
        pem(dir.resolve("user-in-one-file.pem"), user, userKeys.getPrivate());
        Path caDir = Files.createDirectories(dir.resolve("certificates"));
        pem(caDir.resolve("1a2b3c4d.0"), ca);
        Files.writeString(caDir.resolve("1a2b3c4d.signing_policy"), "access_id_CA X509 '/O=Stevedore/CN=Test CA'\n");
        Files.writeString(caDir.resolve("1a2b3c4d.namespaces"), "TO Issuer \"/O=Stevedore/CN=Test CA\"\n");

        KeyStore hostStore = KeyStore.getInstance("PKCS12");
        hostStore.load(null, null);
        hostStore.setKeyEntry("host", hostKeys.getPrivate(), PASSWORD, new X509Certificate[] {host, ca});
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("ca", ca);
        store(dir.resolve("host.p12"), hostStore);
        store(dir.resolve("trust.p12"), trustStore);

        server = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort()
                .keystorePath(dir.resolve("host.p12").toString()).keystoreType("PKCS12")
                .keystorePassword("changeit").keyManagerPassword("changeit")
                .needClientAuth(true)
                .trustStorePath(dir.resolve("trust.p12").toString()).trustStoreType("PKCS12").trustStorePassword("changeit"));
        server.start();
        server.stubFor(head(urlEqualTo("/data/f")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Length", "42").withHeader("Digest", "adler32=0a0b0c0d")));
        base = "davs://localhost:" + server.httpsPort();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void presentsTheClientCertificateAndTrustsTheHostThroughACaBundle() throws Exception {
        WebDavSettings settings = settings()
                .withCredentials(new X509Credentials(pki.resolve("usercert.pem"), pki.resolve("userkey.pem")))
                .withTrust(TrustAnchors.bundle(pki.resolve("ca-bundle.pem")));

        try (WebDavStorage dav = new WebDavStorage(settings)) {
            assertThat(dav.stat(base + "/data/f")).contains(new StorageStat(42, "0a0b0c0d"));
        }
    }

    @Test
    void readsAnIgtfStyleCaDirectoryAndACertificateWithItsKeyInOneFile() throws Exception {
        WebDavSettings settings = settings()
                .withCredentials(X509Credentials.proxy(pki.resolve("user-in-one-file.pem")))
                .withTrust(TrustAnchors.directory(pki.resolve("certificates")));

        try (WebDavStorage dav = new WebDavStorage(settings)) {
            assertThat(dav.stat(base + "/data/f")).map(StorageStat::size).contains(42L);
        }
    }

    @Test
    void aHostCertificateFromAnUntrustedCaIsFatal() throws Exception {
        WebDavSettings settings = settings()
                .withCredentials(new X509Credentials(pki.resolve("usercert.pem"), pki.resolve("userkey.pem")))
                .withTrust(TrustAnchors.bundle(pki.resolve("other-ca.pem")));

        try (WebDavStorage dav = new WebDavStorage(settings)) {
            assertThatThrownBy(() -> dav.stat(base + "/data/f"))
                    .isInstanceOf(FatalStorageException.class)
                    .hasMessageContaining("TLS handshake");
        }
    }

    @Test
    void withoutAClientCertificateTheStorageRefusesUs() throws Exception {
        try (WebDavStorage dav = new WebDavStorage(settings().withTrust(TrustAnchors.bundle(pki.resolve("ca-bundle.pem"))))) {
            // Under TLS 1.3 the server rejects the missing certificate after the handshake; the client then sees a
            // broken connection, which it cannot tell from network trouble, so the class may be transient.
            assertThatThrownBy(() -> dav.stat(base + "/data/f"))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining(base + "/data/f");
        }
    }

    @Test
    void aMissingKeyIsAClearConfigurationError() {
        WebDavSettings settings = settings()
                .withCredentials(new X509Credentials(pki.resolve("usercert.pem"), pki.resolve("usercert.pem")));

        assertThatThrownBy(() -> new WebDavStorage(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No private key");
    }

    private static WebDavSettings settings() {
        return WebDavSettings.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
                                               boolean ca, GeneralNames altNames) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(now.toEpochMilli()).add(BigInteger.valueOf(subject.hashCode() & 0xffff)),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name(subject), subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        builder.addExtension(Extension.keyUsage, true, ca
                ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        if (altNames != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, altNames);
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
    }

    private static void pem(Path file, Object... objects) throws Exception {
        try (Writer writer = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(writer)) {
            for (Object object : objects) {
                pem.writeObject(object);
            }
        }
    }

    private static void store(Path file, KeyStore keyStore) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            keyStore.store(out, PASSWORD);
        }
    }
}
