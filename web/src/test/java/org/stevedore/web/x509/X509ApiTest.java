package org.stevedore.web.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.emi.security.authn.x509.impl.KeyAndCertCredential;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.stevedore.auth.pki.Credential;
import org.stevedore.auth.pki.PkiBuilder;
import org.stevedore.auth.pki.TestPki;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;
import org.stevedore.web.tls.HttpsConnector;

/** The HTTPS connector driven with every certificate of the test PKI, as grid clients would. */
class X509ApiTest extends ApiTest {

    private static final TestPki PKI = TestPki.get();

    @Autowired
    HttpsConnector https;

    @BeforeEach
    void aliceWithHerDnAndAScopeOwnedBySomeoneElse() {
        assertThat(api.post("/accounts/alice", Map.of("type", "USER")).statusCode()).isEqualTo(201);
        assertThat(api.post("/accounts/alice/identities", Map.of("identity", TestPki.USER_DN, "authtype", "X509",
                "email", "alice@example.org")).statusCode()).isEqualTo(201);
        assertThat(api.post("/accounts/bmn", Map.of("type", "GROUP")).statusCode()).isEqualTo(201);
        assertThat(api.post("/accounts/bmn/scopes/bmn_run8", null).statusCode()).isEqualTo(201);
    }

    private HttpResponse<String> call(Credential client, String method, String path, String... headers)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + https.localPort() + path))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpClient http = HttpClient.newBuilder().sslContext(sslContext(client)).build();
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Trusts the test CA for the server; presents {@code client} (any chain, proxies included) when asked. */
    private static SSLContext sslContext(Credential client) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", PKI.ca.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManager[] kms = client == null ? null
                    : new KeyManager[]{new KeyAndCertCredential(client.key(), client.chain()).getKeyManager()};
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kms, tmf.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String x509Token(Credential client) throws IOException {
        HttpResponse<String> r = call(client, "GET", "/auth/x509");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Rucio-Auth-Account")).hasValue("alice");
        assertThat(r.headers().firstValue("X-Rucio-Auth-Token-Expires").orElseThrow()).endsWith(" UTC");
        return r.headers().firstValue("X-Rucio-Auth-Token").orElseThrow();
    }

    @Test
    void userCertificateProxyLimitedProxyAndProxyOfProxyGetATokenForTheMappedAccount() throws IOException {
        for (Credential c : List.of(PKI.user, PKI.proxy, PKI.limitedProxy, PKI.proxyOfProxy)) {
            String token = x509Token(c);
            HttpResponse<String> who = new ApiClient(port).withToken(token).get("/test-probe/caller");
            Map<String, Object> caller = ApiClient.json(who);
            assertThat(caller.get("account")).isEqualTo("alice");
            assertThat(caller.get("identity")).isEqualTo(TestPki.USER_DN);
        }
    }

    @Test
    void theRfc2253SpellingOfTheDnIsAcceptedAsIdentityToo() throws IOException {
        api.post("/accounts/carol", Map.of("type", "USER"));
        api.delete("/accounts/alice/identities", Map.of("identity", TestPki.USER_DN, "authtype", "X509"));
        api.post("/accounts/carol/identities", Map.of("identity", "CN=Alice Example,DC=stevedore-test,DC=org",
                "authtype", "X509", "email", "a@example.org"));
        HttpResponse<String> r = call(PKI.proxy, "GET", "/auth/x509");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Rucio-Auth-Account")).hasValue("carol");
    }

    @Test
    void xRucioAccountChoosesAmongTheDnsAccountsAndAnUnmappedOneIsRefused() throws IOException {
        api.post("/accounts/alice2", Map.of("type", "USER"));
        api.post("/accounts/alice2/identities", Map.of("identity", TestPki.USER_DN, "authtype", "X509",
                "email", "a@example.org"));
        HttpResponse<String> r = call(PKI.user, "GET", "/auth/x509", "X-Rucio-Account", "alice2");
        assertThat(r.headers().firstValue("X-Rucio-Auth-Account")).hasValue("alice2");

        long before = graphSize();
        assertError(call(PKI.user, "GET", "/auth/x509", "X-Rucio-Account", "root"), 401, "CannotAuthenticate",
                "Cannot authenticate");
        assertThat(graphSize()).isEqualTo(before);
    }

    @Test
    void anUnmappedDnAndNoCertificateAtAllAre401AndCreateNoToken() throws IOException {
        api.delete("/accounts/alice/identities", Map.of("identity", TestPki.USER_DN, "authtype", "X509"));
        long before = graphSize();
        assertError(call(PKI.user, "GET", "/auth/x509"), 401, "CannotAuthenticate", "Cannot authenticate");
        assertError(call(null, "GET", "/auth/x509"), 401, "CannotAuthenticate", "client certificate");
        assertThat(graphSize()).isEqualTo(before);
    }

    @Test
    void clientCertificatesAreWantedNotNeeded_userpassWorksOverHttpsWithoutOne() throws IOException {
        HttpResponse<String> r = call(null, "GET", "/auth/userpass", "X-Rucio-Username", "root",
                "X-Rucio-Password", rootPassword());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(call(null, "GET", "/ping").statusCode()).isEqualTo(200);
    }

    @Test
    void expiredRevokedAndUntrustedCertificatesAreRefusedByTheHandshakeAndChangeNothing() {
        long before = graphSize();
        for (Credential c : List.of(PKI.expiredUser, PKI.revokedUser, PKI.untrustedUser)) {
            assertThatThrownBy(() -> call(c, "GET", "/auth/x509")).as(c.toString()).isInstanceOf(IOException.class);
        }
        assertThat(graphSize()).isEqualTo(before);
    }

    @Test
    void aValidVomsAcGivesVoAndFqansAndTheProductionRoleItsPermission() throws IOException {
        String token = x509Token(PKI.vomsProxy);
        Map<String, Object> caller = ApiClient.json(call(PKI.vomsProxy, "GET", "/test-probe/caller",
                "X-Rucio-Auth-Token", token));
        assertThat(caller.get("vos")).isEqualTo(List.of(TestPki.VO));
        assertThat(caller.get("fqans")).isEqualTo(List.of("/testvo", "/testvo/Role=production"));
        HttpResponse<String> r = call(PKI.vomsProxy, "POST", "/test-probe/rules/bmn_run8", "X-Rucio-Auth-Token", token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void theRolesProvenAtX509LoginTravelWithTheTokenOverPlainHttp() throws IOException {
        String token = x509Token(PKI.vomsProxy);
        ApiClient plain = new ApiClient(port).withToken(token);
        Map<String, Object> caller = ApiClient.json(plain.get("/test-probe/caller"));
        assertThat(caller.get("fqans")).isEqualTo(List.of("/testvo", "/testvo/Role=production"));
        HttpResponse<String> r = plain.post("/test-probe/rules/bmn_run8", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void aUserpassTokenNeverCarriesRolesNotEvenWithTheProxyPresented() throws IOException {
        api.post("/accounts/alice/identities", Map.of("identity", "alice", "authtype", "USERPASS",
                "password", "pw-alice-123", "email", "alice@example.org"));
        String token = token("alice", "pw-alice-123");
        long before = graphSize();
        assertError(new ApiClient(port).withToken(token).post("/test-probe/rules/bmn_run8", null), 403,
                "AccessDenied", "add_rule");
        assertError(call(PKI.vomsProxy, "POST", "/test-probe/rules/bmn_run8", "X-Rucio-Auth-Token", token), 403,
                "AccessDenied", "add_rule");
        assertThat(graphSize()).isEqualTo(before);
    }

    @Test
    void theTokensRolesEndWithTheAttributeCertificate() throws IOException, InterruptedException {
        PkiBuilder builder = new PkiBuilder(Clock.systemUTC(), new SecureRandom());
        Instant acEnd = Instant.now().plusSeconds(15);
        Credential shortAc = builder.proxy(PKI.user, Duration.ofHours(12), false, builder.attributeCertificate(
                PKI.vomsServer, PKI.user.certificate(), TestPki.VO, "voms.localhost",
                List.of("/testvo", TestPki.PRODUCTION_FQAN), Instant.now().minusSeconds(60), acEnd));
        ApiClient plain = new ApiClient(port).withToken(x509Token(shortAc));
        HttpResponse<String> r = plain.post("/test-probe/rules/bmn_run8", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(Instant.now()).isBefore(acEnd);

        while (Instant.now().isBefore(acEnd.plusSeconds(1))) {
            Thread.sleep(200);
        }
        assertError(plain.post("/test-probe/rules/bmn_run8", null), 403, "AccessDenied", "add_rule");
        Map<String, Object> caller = ApiClient.json(plain.get("/test-probe/caller"));
        assertThat(caller.get("account")).as("the session itself goes on").isEqualTo("alice");
        assertThat(caller.get("fqans")).isEqualTo(List.of());
    }

    @Test
    void aProxyWithAnUnreadableAttributeCertificateIsTakenWithoutRolesNot500() throws IOException {
        assertThat(call(PKI.garbledAcProxy, "GET", "/ping").statusCode()).isEqualTo(200);
        String token = x509Token(PKI.garbledAcProxy);
        Map<String, Object> caller = ApiClient.json(call(PKI.garbledAcProxy, "GET", "/test-probe/caller",
                "X-Rucio-Auth-Token", token));
        assertThat(caller.get("account")).isEqualTo("alice");
        assertThat(caller.get("fqans")).isEqualTo(List.of());
        long before = graphSize();
        assertError(call(PKI.garbledAcProxy, "POST", "/test-probe/rules/bmn_run8", "X-Rucio-Auth-Token", token), 403,
                "AccessDenied", "add_rule");
        assertThat(graphSize()).isEqualTo(before);
    }

    @Test
    void expiredForgedAndForeignVoAcsAreIgnored_theUserIsKnownButHasNoRole() throws IOException {
        for (Credential c : List.of(PKI.expiredAcProxy, PKI.wrongKeyAcProxy, PKI.otherVoProxy)) {
            String token = x509Token(c);
            Map<String, Object> caller = ApiClient.json(call(c, "GET", "/test-probe/caller",
                    "X-Rucio-Auth-Token", token));
            assertThat(caller.get("account")).isEqualTo("alice");
            assertThat(caller.get("fqans")).as(c.toString()).isEqualTo(List.of());
            long before = graphSize();
            assertError(call(c, "POST", "/test-probe/rules/bmn_run8", "X-Rucio-Auth-Token", token), 403,
                    "AccessDenied", "Account alice cannot add_rule on scope 'bmn_run8'");
            assertThat(graphSize()).isEqualTo(before);
        }
    }

    @Test
    void aKnownIdentityWithoutPermissionGets403AndTheStoreIsUnchanged() throws IOException {
        String token = x509Token(PKI.proxy);
        ApiClient alice = new ApiClient(port).withToken(token);
        long before = graphSize();
        assertError(alice.post("/dids/bmn_run8/run8.raw", Map.of("type", "DATASET")), 403, "AccessDenied", "add_did");
        assertError(alice.post("/rses/ALICE_DISK", Map.of()), 403, "AccessDenied", "add_rse");
        assertError(alice.post("/accounts/mallory", Map.of("type", "USER")), 403, "AccessDenied", "add_account");
        assertError(alice.post("/accounts/alice/identities", Map.of("identity", "/CN=x", "authtype", "X509",
                "email", "x@example.org")), 403, "AccessDenied", "add_identity");
        assertThat(graphSize()).isEqualTo(before);

        assertThat(alice.post("/accounts/alice/scopes/user.alice", null).statusCode()).isEqualTo(201);
        assertThat(alice.post("/dids/user.alice/mine", Map.of("type", "DATASET")).statusCode()).isEqualTo(201);
    }
}
