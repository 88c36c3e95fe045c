package org.stevedore.transfer.fts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import okhttp3.OkHttpClient;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.catalog.daemon.Backoff;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.testsupport.RecordingSleeper;
import org.stevedore.transfer.tool.TransferFile;
import org.stevedore.transfer.tool.TransferJob;

/**
 * A service runs for months while its proxy is renewed every few hours by something else: the renewed files must be
 * picked up (TLS, delegation, bearer token) without a restart, and a renewal caught half-written must not break it.
 */
class CredentialRenewalTest {

    private final FtsTestPki pki = new FtsTestPki();
    private final MutableClock clock = new MutableClock(Instant.now());
    private WireMockServer fts;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        fts = new WireMockServer(options().dynamicPort());
        fts.start();
    }

    @AfterEach
    void stop() {
        fts.stop();
    }

    @Test
    void aRenewedProxyFileIsReadAfterTheRecheckIntervalAndAHalfWrittenOneIsIgnored() throws Exception {
        X509Credential first = pki.user("stevedore", Duration.ofHours(12));
        X509Credential second = pki.user("stevedore", Duration.ofHours(24));
        Path proxy = dir.resolve("x509up");
        write(proxy, first, first.privateKey(), 0);
        X509CredentialFiles files = X509CredentialFiles.proxy(proxy, clock, Duration.ofMinutes(1));
        assertThat(files.current().certificate()).isEqualTo(first.certificate());

        write(proxy, second, second.privateKey(), 10);
        assertThat(files.current().certificate()).as("not looked at before the interval").isEqualTo(first.certificate());
        clock.advance(Duration.ofMinutes(2));
        assertThat(files.current().certificate()).isEqualTo(second.certificate());

        // The next renewal is caught between the certificate and the key: the working credential stays.
        X509Credential third = pki.user("stevedore", Duration.ofHours(36));
        write(proxy, third, second.privateKey(), 20);
        clock.advance(Duration.ofMinutes(2));
        assertThat(files.current().certificate()).isEqualTo(second.certificate());
        Files.writeString(proxy, "-----BEGIN CERTIFICATE-----\ntruncat");
        Files.setLastModifiedTime(proxy, FileTime.from(Instant.now().plusSeconds(30)));
        clock.advance(Duration.ofMinutes(2));
        assertThat(files.current().certificate()).isEqualTo(second.certificate());

        write(proxy, third, third.privateKey(), 40);
        clock.advance(Duration.ofMinutes(2));
        assertThat(files.current().certificate()).isEqualTo(third.certificate());
    }

    @Test
    void aKeyThatIsNotTheCertificatesStopsStartUpWithAClearMessage() throws Exception {
        X509Credential mine = pki.user("stevedore", Duration.ofHours(12));
        X509Credential other = pki.user("someone-else", Duration.ofHours(12));
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        write(cert, mine, null, 0);
        write(key, null, other.privateKey(), 0);

        assertThatThrownBy(() -> new X509CredentialFiles(cert, key, clock, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong to the certificate");
    }

    @Test
    void theKeyManagerPresentsTheRenewedChainInNewHandshakesAndKeepsTheOneAHandshakeChose() {
        X509Credential first = pki.user("stevedore", Duration.ofHours(12));
        X509Credential second = pki.user("stevedore", Duration.ofHours(24));
        AtomicReference<X509Credential> current = new AtomicReference<>(first);
        RenewingKeyManager keys = new RenewingKeyManager(current::get);

        String before = keys.chooseClientAlias(new String[] {"RSA"}, null, null);
        assertThat(keys.getCertificateChain(before)[0]).isEqualTo(first.certificate());
        assertThat(keys.chooseClientAlias(new String[] {"EC"}, null, null)).as("an RSA key offered for EC").isNull();

        current.set(second);
        String after = keys.chooseClientAlias(new String[] {"RSA"}, null, null);
        assertThat(after).isNotEqualTo(before);
        assertThat(keys.getCertificateChain(after)[0]).isEqualTo(second.certificate());
        assertThat(keys.getPrivateKey(after)).isEqualTo(second.privateKey());
        assertThat(keys.getPrivateKey(before)).as("a handshake begun before the renewal").isEqualTo(first.privateKey());
    }

    @Test
    void theNextDelegationIsSignedByTheRenewedCredential() throws Exception {
        // Both shorter than the proxy lifetime asked for, so each delegated proxy is cut to its signer's chain.
        X509Credential first = pki.user("stevedore", Duration.ofHours(3));
        X509Credential second = pki.user("stevedore", Duration.ofHours(6));
        AtomicReference<X509Credential> current = new AtomicReference<>(first);
        KeyPair serverKeys = FtsTestPki.rsa();
        fts.stubFor(get(urlEqualTo("/whoami")).willReturn(okJson("""
                {"user_dn": "/DC=org/DC=stevedore-test/O=Robots/CN=stevedore", "dn": [], "vos": ["dteam"],
                 "voms_cred": [], "delegation_id": "dlg1", "method": "certificate", "is_root": false}""")));
        fts.stubFor(get(urlEqualTo("/delegation/dlg1")).willReturn(okJson("null")));
        fts.stubFor(get(urlEqualTo("/delegation/dlg1/request"))
                .willReturn(aResponse().withBody(FtsTestPki.delegationRequest(serverKeys))));
        fts.stubFor(put(urlEqualTo("/delegation/dlg1/credential")).willReturn(aResponse().withStatus(201)));
        fts.stubFor(post(urlEqualTo("/jobs")).inScenario("renewal").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"job_id\": \"job-1\"}")).willSetStateTo("expired"));
        fts.stubFor(post(urlEqualTo("/jobs")).inScenario("renewal").whenScenarioStateIs("expired")
                .willReturn(aResponse().withStatus(419).withBody("{\"message\": \"The delegated credentials expired\"}"))
                .willSetStateTo("renewed"));
        fts.stubFor(post(urlEqualTo("/jobs")).inScenario("renewal").whenScenarioStateIs("renewed")
                .willReturn(okJson("{\"job_id\": \"job-2\"}")));
        Fts3Client client = new Fts3Client(Fts3Config.defaults(URI.create(fts.baseUrl()))
                .withRetry(2, new Backoff(Duration.ofMillis(10), Duration.ofMillis(10))),
                new OkHttpClient.Builder().readTimeout(5, TimeUnit.SECONDS).build(),
                new Fts3Auth.X509(current::get), clock, new RecordingSleeper());

        client.submit(List.of(job("tj-1")));
        current.set(second);
        client.submit(List.of(job("tj-2")));

        List<String> delegated = fts.findAll(putRequestedFor(urlEqualTo("/delegation/dlg1/credential"))).stream()
                .map(r -> r.getBodyAsString()).toList();
        assertThat(delegated).hasSize(2);
        assertThat(proxyIn(delegated.get(0)).getNotAfter()).isEqualTo(first.certificate().getNotAfter());
        assertThat(proxyIn(delegated.get(1)).getNotAfter()).as("cut to the renewed chain, not the old one")
                .isEqualTo(second.certificate().getNotAfter());
        proxyIn(delegated.get(1)).verify(second.certificate().getPublicKey());
    }

    @Test
    void aRewrittenTokenFileIsSentFromTheNextRequestAfterTheRecheck() throws Exception {
        fts.stubFor(get(urlEqualTo("/whoami")).willReturn(okJson("""
                {"user_dn": "stevedore", "dn": [], "vos": ["dteam"], "voms_cred": [], "delegation_id": "d",
                 "method": "oauth2", "is_root": false}""")));
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "first-jwt\n");
        TokenFile tokens = new TokenFile(tokenFile, clock, Duration.ofMinutes(1));
        Fts3Client client = new Fts3Client(Fts3Config.defaults(URI.create(fts.baseUrl())),
                new OkHttpClient(), new Fts3Auth.BearerToken(tokens), clock, new RecordingSleeper());
        client.whoami();

        Files.writeString(tokenFile, "second-jwt\n");
        Files.setLastModifiedTime(tokenFile, FileTime.from(Instant.now().plusSeconds(10)));
        clock.advance(Duration.ofMinutes(2));
        assertThat(tokens.get()).isEqualTo("second-jwt");

        Fts3Client again = new Fts3Client(Fts3Config.defaults(URI.create(fts.baseUrl())),
                new OkHttpClient(), new Fts3Auth.BearerToken(tokens), clock, new RecordingSleeper());
        again.whoami();
        fts.verify(1, getRequestedFor(urlEqualTo("/whoami")).withHeader("Authorization", equalTo("Bearer first-jwt")));
        fts.verify(1, getRequestedFor(urlEqualTo("/whoami")).withHeader("Authorization", equalTo("Bearer second-jwt")));

        Files.writeString(tokenFile, "   \n");
        Files.setLastModifiedTime(tokenFile, FileTime.from(Instant.now().plusSeconds(20)));
        clock.advance(Duration.ofMinutes(2));
        assertThat(tokens.get()).as("an emptied file keeps the last token").isEqualTo("second-jwt");
        assertThatThrownBy(() -> new TokenFile(tokenFile, clock, Duration.ofMinutes(1)))
                .hasMessageContaining("must hold one token");
    }

    private static TransferJob job(String id) {
        return TransferJob.fromDisk(id, "SITE_A_DISK", "SITE_B_DISK", IntStream.range(0, 1)
                .mapToObj(i -> new TransferFile(id + "-req", List.of("davs://a.example.org/data/" + id),
                        "davs://b.example.org/data/" + id, 1000, "1a2b3c", "Production", 3))
                .toList());
    }

    private static X509Certificate proxyIn(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificates(
                new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).iterator().next();
    }

    /** Writes the chain and/or key as PEM, with a modification time {@code secondsLater} than now. */
    private static void write(Path file, X509Credential chain, java.security.PrivateKey key, int secondsLater)
            throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            if (chain != null) {
                pem.writeObject(chain.certificate());
            }
            if (key != null) {
                pem.writeObject(key);
            }
            if (chain != null) {
                for (X509Certificate c : chain.chain().subList(1, chain.chain().size())) {
                    pem.writeObject(c);
                }
            }
        }
        Files.writeString(file, out.toString());
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(secondsLater)));
    }
}
