package org.stevedore.tape.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
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
import org.stevedore.tape.endpoint.StageFile;
import org.stevedore.tape.endpoint.TapeEndpointException;
import org.stevedore.testsupport.RecordingSleeper;

/** The client over HTTPS to an endpoint that demands an X509 client certificate from its CA. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TapeRestClientTlsTest {

    private static final char[] SECRET = "changeit".toCharArray();

    private Path pki;
    private WireMockServer server;
    private URI root;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        pki = dir;
        KeyPair caKeys = keys();
        X509Certificate ca = sign("CN=Tape Test CA", caKeys, "CN=Tape Test CA", caKeys, true, null);
        KeyPair hostKeys = keys();
        X509Certificate host = sign("CN=localhost", hostKeys, "CN=Tape Test CA", caKeys, false, "localhost");
        KeyPair userKeys = keys();
        X509Certificate user = sign("CN=Robot Stevedore", userKeys, "CN=Tape Test CA", caKeys, false, null);
        KeyPair strangerKeys = keys();
        X509Certificate stranger = sign("CN=Stranger CA", strangerKeys, "CN=Stranger CA", strangerKeys, true, null);
        pem(dir.resolve("ca.pem"), ca);
        pem(dir.resolve("stranger.pem"), stranger);
        pem(dir.resolve("robot.pem"), user, userKeys.getPrivate());

        KeyStore hostStore = KeyStore.getInstance("PKCS12");
        hostStore.load(null, null);
        hostStore.setKeyEntry("host", hostKeys.getPrivate(), SECRET, new X509Certificate[] {host, ca});
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("ca", ca);
        save(dir.resolve("host.p12"), hostStore);
        save(dir.resolve("trust.p12"), trustStore);

        server = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort()
                .keystorePath(dir.resolve("host.p12").toString()).keystoreType("PKCS12")
                .keystorePassword("changeit").keyManagerPassword("changeit")
                .needClientAuth(true)
                .trustStorePath(dir.resolve("trust.p12").toString()).trustStoreType("PKCS12").trustStorePassword("changeit"));
        server.start();
        root = URI.create("davs://localhost:" + server.httpsPort());
        server.stubFor(get(urlEqualTo("/.well-known/wlcg-tape-rest-api")).willReturn(okJson(
                "{\"sitename\": \"T\", \"endpoints\": [{\"uri\": \"https://localhost:" + server.httpsPort()
                        + "/tape/v1\", \"version\": \"v1\"}]}")));
        server.stubFor(post(urlEqualTo("/tape/v1/stage")).willReturn(aResponse().withStatus(201)
                .withHeader("Location", "/tape/v1/stage/tls-1").withBody("{\"requestId\": \"tls-1\"}")));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void stagesWithTheClientCertificateOverADavsRoot() throws Exception {
        RecordingSleeper sleeper = new RecordingSleeper();
        TapeRestSettings settings = TapeRestSettings.defaults(root)
                .withX509(X509Credentials.proxy(pki.resolve("robot.pem")), TrustAnchors.bundle(pki.resolve("ca.pem")));

        try (TapeRestClient client = new TapeRestClient(settings, sleeper)) {
            assertThat(client.stage(List.of(new StageFile("/f", Duration.ofHours(1))))).isEqualTo("tls-1");
        }
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void anUntrustedHostIsAConfigurationErrorAndNotRetried() throws Exception {
        RecordingSleeper sleeper = new RecordingSleeper();
        TapeRestSettings settings = TapeRestSettings.defaults(root)
                .withX509(X509Credentials.proxy(pki.resolve("robot.pem")), TrustAnchors.bundle(pki.resolve("stranger.pem")));

        try (TapeRestClient client = new TapeRestClient(settings, sleeper)) {
            assertThatThrownBy(() -> client.stage(List.of(new StageFile("/f", Duration.ofHours(1)))))
                    .isInstanceOfSatisfying(TapeEndpointException.class, e -> assertThat(e.isTransient()).isFalse())
                    .hasMessageContaining("discovery failed: TLS with localhost:" + server.httpsPort());
        }
        assertThat(sleeper.waits).isEmpty();
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
                                        boolean ca, String dnsName) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(subject.hashCode() & 0x7fffffffL), Date.from(now.minusSeconds(3600)),
                Date.from(now.plus(Duration.ofDays(2))), new X500Name(subject), subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (dnsName != null) {
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
    }

    private static void pem(Path file, Object... objects) throws Exception {
        try (Writer writer = Files.newBufferedWriter(file); JcaPEMWriter out = new JcaPEMWriter(writer)) {
            for (Object object : objects) {
                out.writeObject(object);
            }
        }
    }

    private static void save(Path file, KeyStore store) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, SECRET);
        }
    }
}
