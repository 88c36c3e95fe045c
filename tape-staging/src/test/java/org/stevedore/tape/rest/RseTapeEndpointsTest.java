package org.stevedore.tape.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.tape.endpoint.StageFile;
import org.stevedore.tape.endpoint.StageRequestStatus;
import org.stevedore.tape.endpoint.StageState;
import org.stevedore.tape.endpoint.StagedFile;
import org.stevedore.tape.endpoint.TapeEndpoint;
import org.stevedore.tape.endpoint.TapeEndpointException;
import org.stevedore.tape.endpoint.UnusableTapeEndpoint;

/**
 * Tape endpoints of RSEs from their attributes and protocols, against a stubbed Tape REST server that answers as
 * wlcg-tape-rest.md describes: discovery, stage answered 201 with a Location, status by site path, release, refusals.
 */
class RseTapeEndpointsTest extends StoreTest {

    private static final String API = "/api/v1/tape";
    private static final Duration REFRESH = Duration.ofSeconds(30);
    private static final Map<String, Object> DAVS = Map.of("hostname", "se.jinr.example", "port", 2880,
            "prefix", "/pnfs/jinr.example/data", "domains", Map.of("wan", Map.of("read", 1, "write", 1)));

    private final MutableClock clock = MutableClock.at("2026-05-01T00:00:00Z");
    private final RseStore rses = new RseStore(store, clock);
    private final RseProtocolStore protocols = new RseProtocolStore(store);
    private final TapeEndpoint fixedEndpoint = new UnusableTapeEndpoint("the fixed one");
    private WireMockServer wireMock;
    private String root;
    private RseTapeEndpoints endpoints;

    @BeforeEach
    void setUp() {
        wireMock = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        wireMock.start();
        root = "http://localhost:" + wireMock.port();
        wireMock.stubFor(get(urlEqualTo("/.well-known/wlcg-tape-rest-api")).willReturn(okJson("""
                {"sitename": "JINR-T1", "endpoints": [{"uri": "%s%s", "version": "v1", "metadata": {}}]}
                """.formatted(root, API))));
        endpoints = endpoints(clients("token-123"));
        rses.add("JINR_TAPE", Map.of("rse_type", "TAPE"));
        protocols.add("JINR_TAPE", withScheme("davs"));
    }

    @AfterEach
    void tearDown() {
        endpoints.close();
        wireMock.stop();
    }

    private static Map<String, Object> withScheme(String scheme) {
        Map<String, Object> p = new java.util.HashMap<>(DAVS);
        p.put("scheme", scheme);
        return p;
    }

    private TapeRestClients clients(String token) {
        TapeRestSettings template = TapeRestSettings.defaults(URI.create("https://tape.invalid"))
                .withRetries(2, Duration.ofMillis(1), Duration.ofMillis(1))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)).withToken(token);
        return new TapeRestClients(template, (d, stop) -> { }, "set stevedore.tape.rest.proxy or .token");
    }

    private RseTapeEndpoints endpoints(TapeRestClients clients) {
        return new RseTapeEndpoints(Map.of("LOCAL_TAPE", fixedEndpoint), rses, protocols, clients::create, REFRESH,
                clock);
    }

    private TapeEndpoint endpoint(String rse) {
        return endpoints.forRse(rse).orElseThrow();
    }

    private static String reason(TapeEndpoint endpoint) {
        assertThat(endpoint).isInstanceOf(UnusableTapeEndpoint.class);
        TapeEndpointException e = org.assertj.core.api.Assertions.catchThrowableOfType(TapeEndpointException.class,
                () -> endpoint.stage(List.of(new StageFile("run8/f1", Duration.ofDays(1)))));
        assertThat(e.isTransient()).as("waits for the configuration to be fixed").isTrue();
        return e.getMessage();
    }

    private void stubStage(String id) {
        wireMock.stubFor(post(urlEqualTo(API + "/stage")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withHeader("Location", API + "/stage/" + id)
                .withBody("{\"requestId\": \"" + id + "\"}")));
    }

    @Test
    void anRseNamingItsEndpointStagesByTheSitePathUnderItsProtocolAndReadsItBack() {
        rses.setAttribute("JINR_TAPE", RseTapeEndpoints.ATTRIBUTE, root);
        stubStage("req-7");
        wireMock.stubFor(get(urlEqualTo(API + "/stage/req-7")).willReturn(okJson("""
                {"id": "req-7", "createdAt": 1767225600000, "files": [
                  {"path": "/pnfs/jinr.example/data/run8/ab/cd/f1.raw", "onDisk": true, "state": "COMPLETED"},
                  {"path": "//pnfs/jinr.example/data/run8/ab/cd/f2.raw", "onDisk": false, "state": "FAILED",
                   "error": "tape not readable"}]}""")));
        wireMock.stubFor(post(urlEqualTo(API + "/release/req-7")).willReturn(aResponse().withStatus(200)));
        TapeEndpoint tape = endpoint("JINR_TAPE");

        String id = tape.stage(List.of(new StageFile("run8/ab/cd/f1.raw", Duration.ofDays(2)),
                new StageFile("/run8/ab/cd/f2.raw", Duration.ofDays(2))));
        StageRequestStatus status = tape.status(id);
        tape.release(id, List.of("run8/ab/cd/f1.raw"));

        assertThat(id).isEqualTo("req-7");
        wireMock.verify(postRequestedFor(urlEqualTo(API + "/stage"))
                .withHeader("Authorization", equalTo("Bearer token-123"))
                .withRequestBody(equalToJson("""
                        {"files": [{"path": "/pnfs/jinr.example/data/run8/ab/cd/f1.raw", "diskLifetime": "PT48H"},
                                   {"path": "/pnfs/jinr.example/data/run8/ab/cd/f2.raw", "diskLifetime": "PT48H"}]}""")));
        assertThat(status.files()).containsExactly(
                new StagedFile("run8/ab/cd/f1.raw", true, StageState.COMPLETED, null),
                new StagedFile("run8/ab/cd/f2.raw", false, StageState.FAILED, "tape not readable"));
        wireMock.verify(postRequestedFor(urlEqualTo(API + "/release/req-7")).withRequestBody(equalToJson("""
                {"paths": ["/pnfs/jinr.example/data/run8/ab/cd/f1.raw"]}""")));
    }

    @Test
    void theEndpointsRefusalComesBackWithItsProblemDetailAndIsNotTransient() {
        rses.setAttribute("JINR_TAPE", RseTapeEndpoints.ATTRIBUTE, "dav://localhost:" + wireMock.port());
        wireMock.stubFor(post(urlEqualTo(API + "/stage")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("{\"status\": 400, \"title\": \"Bad Request\", \"detail\": \"path outside the namespace\"}")));

        assertThatThrownBy(() -> endpoint("JINR_TAPE").stage(List.of(new StageFile("run8/f1", Duration.ofDays(1)))))
                .isInstanceOfSatisfying(TapeEndpointException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("path outside the namespace");
                });
    }

    @Test
    void rsesSharingAnEndpointShareOneClientThatDiscoversOnce() {
        rses.add("JINR_TAPE_2", Map.of("rse_type", "TAPE"));
        protocols.add("JINR_TAPE_2", withScheme("davs"));
        rses.setAttribute("JINR_TAPE", RseTapeEndpoints.ATTRIBUTE, root);
        rses.setAttribute("JINR_TAPE_2", RseTapeEndpoints.ATTRIBUTE, root + "/");
        stubStage("req-1");

        endpoint("JINR_TAPE").stage(List.of(new StageFile("a", Duration.ofDays(1))));
        endpoint("JINR_TAPE_2").stage(List.of(new StageFile("b", Duration.ofDays(1))));
        endpoint("JINR_TAPE").stage(List.of(new StageFile("c", Duration.ofDays(1))));

        wireMock.verify(1, getRequestedFor(urlEqualTo("/.well-known/wlcg-tape-rest-api")));
        assertThat(((SitePathEndpoint) endpoint("JINR_TAPE")).delegate())
                .isSameAs(((SitePathEndpoint) endpoint("JINR_TAPE_2")).delegate());
    }

    @Test
    void fixedEndpointsComeFirstAndRsesWithoutTheAttributeHaveNone() {
        rses.add("LOCAL_TAPE", Map.of("rse_type", "TAPE"));
        rses.setAttribute("LOCAL_TAPE", RseTapeEndpoints.ATTRIBUTE, root);

        assertThat(endpoints.forRse("LOCAL_TAPE")).containsSame(fixedEndpoint);
        assertThat(endpoints.forRse("JINR_TAPE")).isEmpty();
        assertThat(endpoints.forRse("NO_SUCH_RSE")).isEmpty();
    }

    @Test
    void anAttributeSetWhileRunningIsPickedUpWithinTheRefreshTime() {
        assertThat(endpoints.forRse("JINR_TAPE")).isEmpty();
        rses.setAttribute("JINR_TAPE", RseTapeEndpoints.ATTRIBUTE, root);

        assertThat(endpoints.forRse("JINR_TAPE")).as("still the answer kept").isEmpty();
        clock.advance(REFRESH);
        assertThat(endpoints.forRse("JINR_TAPE")).get().isInstanceOf(SitePathEndpoint.class);

        rses.deleteAttribute("JINR_TAPE", RseTapeEndpoints.ATTRIBUTE);
        clock.advance(REFRESH);
        assertThat(endpoints.forRse("JINR_TAPE")).isEmpty();
    }

    @Test
    void aDiskRseIsServedOnlyWhenItsFilesMustBeStaged() {
        rses.add("HYBRID", Map.of("rse_type", "DISK"));
        protocols.add("HYBRID", withScheme("davs"));
        rses.setAttribute("HYBRID", RseTapeEndpoints.ATTRIBUTE, root);
        assertThat(endpoints.forRse("HYBRID")).isEmpty();

        rses.setAttribute("HYBRID", RseTapeEndpoints.STAGING_REQUIRED, true);
        clock.advance(REFRESH);
        assertThat(endpoints.forRse("HYBRID")).get().isInstanceOf(SitePathEndpoint.class);
    }

    @Test
    void anAttributeThatIsNoUrlGivesAReasonNamingIt() {
        rses.setAttribute("JINR_TAPE", RseTapeEndpoints.ATTRIBUTE, "tape.jinr.example");

        assertThat(reason(endpoint("JINR_TAPE"))).contains("JINR_TAPE", "tape_rest", "'tape.jinr.example'",
                "https or davs URL");
    }

    @Test
    void anRseWithoutAProtocolGivesAReason() {
        rses.add("BARE_TAPE", Map.of("rse_type", "TAPE"));
        rses.setAttribute("BARE_TAPE", RseTapeEndpoints.ATTRIBUTE, root);

        assertThat(reason(endpoint("BARE_TAPE"))).contains("BARE_TAPE", "no protocol");
        wireMock.verify(0, getRequestedFor(urlEqualTo("/.well-known/wlcg-tape-rest-api")));
    }

    @Test
    void withoutCredentialsTheReasonSaysWhatToConfigureAndNothingIsSent() {
        endpoints.close();
        endpoints = endpoints(clients(null));
        rses.setAttribute("JINR_TAPE", RseTapeEndpoints.ATTRIBUTE, root);

        assertThat(reason(endpoint("JINR_TAPE"))).contains("No Tape REST credentials", "stevedore.tape.rest.proxy");
        assertThat(wireMock.getAllServeEvents()).isEmpty();
    }

    @Test
    void unreadableCertificateFilesGiveAReasonAndAreTriedAgainLater() {
        endpoints.close();
        TapeRestSettings template = TapeRestSettings.defaults(URI.create("https://tape.invalid")).withX509(
                org.stevedore.grid.X509Credentials.proxy(java.nio.file.Path.of("/no/such/x509up")), null);
        int[] made = new int[1];
        TapeRestClients clients = new TapeRestClients(template, (d, stop) -> { }, "set them");
        endpoints = new RseTapeEndpoints(Map.of(), rses, protocols, url -> {
            made[0]++;
            return clients.create(url);
        }, REFRESH, clock);
        rses.setAttribute("JINR_TAPE", RseTapeEndpoints.ATTRIBUTE, "https://tape.jinr.example:8443");

        assertThat(reason(endpoint("JINR_TAPE"))).contains("cannot set up a Tape REST client", "/no/such/x509up");
        clock.advance(REFRESH);
        endpoint("JINR_TAPE");
        assertThat(made[0]).isEqualTo(2);
        assertThat(Optional.of(endpoints)).isPresent();
    }

    @Test
    void theSitePathIsThePathOfTheReplicasUrlWithSlashesCollapsed() {
        var protocol = org.stevedore.catalog.rse.RseProtocol.fromRucio(Map.of("scheme", "root", "hostname", "eosctapublic",
                "port", 1094, "prefix", "//eos/ctapublic/archive/", "domains", Map.of("wan", Map.of("read", 1))));

        assertThat(SitePathEndpoint.sitePath(protocol, "bmn/run8/f.raw")).isEqualTo("/eos/ctapublic/archive/bmn/run8/f.raw");
        assertThat(SitePathEndpoint.under(fixedEndpoint, protocol).sitePrefix()).isEqualTo("/eos/ctapublic/archive/");
    }
}
