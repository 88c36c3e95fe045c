package org.stevedore.tape.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.stubFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.tape.endpoint.ArchiveInfo;
import org.stevedore.tape.endpoint.Locality;
import org.stevedore.tape.endpoint.StageFile;
import org.stevedore.tape.endpoint.StageRequestStatus;
import org.stevedore.tape.endpoint.StageState;
import org.stevedore.tape.endpoint.StagedFile;
import org.stevedore.tape.endpoint.TapeEndpointException;
import org.stevedore.testsupport.RecordingSleeper;

/** The Tape REST client against stubs that answer as wlcg-tape-rest.md describes, faults included. */
@WireMockTest
class TapeRestClientWireMockTest {

    /** The API root as dCache deploys it; the client only learns it from the discovery document. */
    private static final String API = "/api/v1/tape";
    private static final Duration TWO_DAYS = Duration.ofDays(2);
    private static final String PROBLEM = "application/problem+json";

    private final RecordingSleeper sleeper = new RecordingSleeper();
    private TapeRestClient client;
    private String root;

    @BeforeEach
    void setUp(WireMockRuntimeInfo wireMock) {
        root = "http://localhost:" + wireMock.getHttpPort();
        stubFor(get(urlEqualTo("/.well-known/wlcg-tape-rest-api")).willReturn(okJson("""
                {"sitename": "JINR-T1", "description": "dCache tape REST",
                 "endpoints": [{"uri": "%s/api/v0/tape", "version": "v0", "metadata": {}},
                               {"uri": "%s%s", "version": "v1", "metadata": {}}]}
                """.formatted(root, root, API))));
        client = client(TapeRestSettings.defaults(URI.create(root)).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)));
    }

    @AfterEach
    void tearDown() throws IOException {
        client.close();
    }

    private TapeRestClient client(TapeRestSettings settings) {
        return new TapeRestClient(settings, sleeper);
    }

    private static List<StageFile> files(String... paths) {
        return List.of(paths).stream().map(p -> new StageFile(p, TWO_DAYS)).toList();
    }

    private static void stubStage(String id) {
        stubFor(post(urlEqualTo(API + "/stage")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withHeader("Location", API + "/stage/" + id)
                .withBody("{\"requestId\": \"" + id + "\"}")));
    }

    @Test
    void discoversTheV1EndpointOnceAndStagesThereWithTheDiskLifetime() {
        stubStage("r-1");

        assertThat(client.stage(files("/pnfs/jinr/bmn/run8/f1", "/pnfs/jinr/bmn/run8/f2"))).isEqualTo("r-1");
        assertThat(client.stage(files("/pnfs/jinr/bmn/run8/f3"))).isEqualTo("r-1");

        verify(1, getRequestedFor(urlEqualTo("/.well-known/wlcg-tape-rest-api")));
        verify(postRequestedFor(urlEqualTo(API + "/stage")).withRequestBody(equalToJson("""
                {"files": [{"path": "/pnfs/jinr/bmn/run8/f1", "diskLifetime": "PT48H"},
                           {"path": "/pnfs/jinr/bmn/run8/f2", "diskLifetime": "PT48H"}]}""")));
        assertThat(client.endpoint()).isEqualTo(root + API);
    }

    @Test
    void aDavsRootAndARelativeEndpointUriAreUnderstood(WireMockRuntimeInfo wireMock) throws IOException {
        stubFor(get(urlEqualTo("/dav/.well-known/wlcg-tape-rest-api")).willReturn(okJson("""
                {"sitename": "X", "endpoints": [{"uri": "/tape-api/v1/", "version": "v1"}]}""")));
        try (TapeRestClient other = client(TapeRestSettings.defaults(URI.create("dav://localhost:" + wireMock.getHttpPort() + "/dav/")))) {
            assertThat(other.endpoint()).isEqualTo(root + "/tape-api/v1");
        }
    }

    @Test
    void theRequestIdIsTakenFromLocationWhenTheBodyHasNone() {
        stubFor(post(urlEqualTo(API + "/stage")).willReturn(aResponse().withStatus(201)
                .withHeader("Location", root + API + "/stage/abc-123")));

        assertThat(client.stage(files("/f"))).isEqualTo("abc-123");
    }

    @Test
    void anEndpointWithoutV1IsAConfigurationErrorNotRetried(WireMockRuntimeInfo wireMock) throws IOException {
        stubFor(get(urlEqualTo("/old/.well-known/wlcg-tape-rest-api")).willReturn(okJson("""
                {"sitename": "X", "endpoints": [{"uri": "https://x/api/v0", "version": "v0"}]}""")));
        try (TapeRestClient old = client(TapeRestSettings.defaults(URI.create(root + "/old")))) {
            assertThatThrownBy(() -> old.stage(files("/f")))
                    .isInstanceOfSatisfying(TapeEndpointException.class, e -> assertThat(e.isTransient()).isFalse())
                    .hasMessageContaining("no endpoint of version v1");
        }
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void pollingReadsEachFileAndOnDiskWinsOverState() {
        stubFor(get(urlEqualTo(API + "/stage/r-7")).willReturn(okJson("""
                {"id": "r-7", "createdAt": 1767225600000, "startedAt": 1767225660000,
                 "files": [{"path": "/f1", "onDisk": true, "state": "STARTED"},
                           {"path": "/f2", "onDisk": false, "state": "STARTED"},
                           {"path": "/f3", "onDisk": true, "state": "COMPLETED"}]}""")));

        StageRequestStatus status = client.status("r-7");

        assertThat(status.id()).isEqualTo("r-7");
        assertThat(status.createdAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(status.startedAt()).isEqualTo(Instant.parse("2026-01-01T00:01:00Z"));
        assertThat(status.completedAt()).isNull();
        assertThat(status.files()).extracting(StagedFile::path, StagedFile::staged)
                .containsExactly(tuple("/f1", true),
                        tuple("/f2", false),
                        tuple("/f3", true));
    }

    @Test
    void aStatusWithPartialFailuresKeepsEachFilesOutcomeAndReason() {
        stubFor(get(urlEqualTo(API + "/stage/r-8")).willReturn(okJson("""
                {"id": "r-8", "createdAt": "2026-01-01T00:00:00Z", "startedAt": "2026-01-01T00:00:05Z",
                 "completedAt": "2026-01-01T02:00:00Z",
                 "files": [{"path": "/ok", "onDisk": true, "state": "COMPLETED"},
                           {"path": "/bad", "onDisk": false, "state": "FAILED", "error": "Tape LT1234 unreadable"},
                           {"path": "/gone", "onDisk": false, "state": "CANCELLED"},
                           {"path": "/nostate", "onDisk": true}]}""")));

        StageRequestStatus status = client.status("r-8");

        assertThat(status.completedAt()).isEqualTo(Instant.parse("2026-01-01T02:00:00Z"));
        assertThat(status.files()).containsExactly(
                new StagedFile("/ok", true, StageState.COMPLETED, null),
                new StagedFile("/bad", false, StageState.FAILED, "Tape LT1234 unreadable"),
                new StagedFile("/gone", false, StageState.CANCELLED, null),
                new StagedFile("/nostate", true, StageState.COMPLETED, null));
        assertThat(status.files()).filteredOn(StagedFile::failed).extracting(StagedFile::path).containsExactly("/bad", "/gone");
    }

    @Test
    void anUnknownFileStateIsAProtocolErrorNotAGuess() {
        stubFor(get(urlEqualTo(API + "/stage/r-9")).willReturn(okJson("""
                {"id": "r-9", "files": [{"path": "/f", "state": "SHELVED"}]}""")));

        assertThatThrownBy(() -> client.status("r-9")).isInstanceOfSatisfying(TapeEndpointException.class,
                e -> assertThat(e.isTransient()).isFalse()).hasMessageContaining("unknown file state SHELVED");
    }

    @Test
    void aStageAnswered500ThenAcceptedSucceedsAfterOneBackoff() {
        stubFor(post(urlEqualTo(API + "/stage")).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", PROBLEM)
                        .withBody("{\"status\": 500, \"title\": \"Internal Server Error\", \"detail\": \"queue full\"}"))
                .willSetStateTo("recovered"));
        stubFor(post(urlEqualTo(API + "/stage")).inScenario("busy").whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(201).withHeader("Location", API + "/stage/r-2")
                        .withBody("{\"requestId\": \"r-2\"}")));

        assertThat(client.stage(files("/f"))).isEqualTo("r-2");

        verify(2, postRequestedFor(urlEqualTo(API + "/stage")));
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void persistent5xxAreRetriedWithGrowingWaitsThenReportedTransientWithTheDetail() {
        stubFor(get(urlEqualTo(API + "/stage/r-3")).willReturn(aResponse().withStatus(503).withHeader("Content-Type", PROBLEM)
                .withBody("{\"status\": 503, \"title\": \"Service Unavailable\", \"detail\": \"tape backend down\"}")));

        assertThatThrownBy(() -> client.status("r-3"))
                .isInstanceOfSatisfying(TapeEndpointException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.status()).isEqualTo(503);
                })
                .hasMessage("status of stage request r-3 failed: HTTP 503 Service Unavailable: tape backend down (after 5 attempts)");
        verify(5, getRequestedFor(urlEqualTo(API + "/stage/r-3")));
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                Duration.ofSeconds(16));
    }

    @Test
    void backoffIsCappedAtTheMaximumDelay() {
        TapeRestSettings settings = TapeRestSettings.defaults(URI.create(root))
                .withRetries(6, Duration.ofSeconds(10), Duration.ofSeconds(30));
        assertThat(IntStream.rangeClosed(1, 5).mapToObj(settings::retryDelay)).containsExactly(Duration.ofSeconds(10),
                Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    @Test
    void aConnectionResetIsRetried() {
        stubFor(post(urlEqualTo(API + "/archiveinfo")).inScenario("reset").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("fine"));
        stubFor(post(urlEqualTo(API + "/archiveinfo")).inScenario("reset").whenScenarioStateIs("fine")
                .willReturn(okJson("[{\"path\": \"/f\", \"locality\": \"TAPE\"}]")));

        assertThat(client.archiveInfo(List.of("/f"))).containsExactly(new ArchiveInfo("/f", Locality.TAPE, null));
        assertThat(sleeper.waits).hasSize(1);
    }

    @Test
    void aTimeoutWithoutAnswerEndsTransientWithStatusZero() {
        TapeRestClient impatient = client(TapeRestSettings.defaults(URI.create(root))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(200)).withRetries(2, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        stubFor(get(urlEqualTo(API + "/stage/slow")).willReturn(okJson("{\"files\": []}").withFixedDelay(1000)));

        assertThatThrownBy(() -> impatient.status("slow"))
                .isInstanceOfSatisfying(TapeEndpointException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.status()).isZero();
                })
                .hasMessageContaining("no answer from localhost");
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void a4xxIsNotRetriedAndCarriesTheProblemDetail() {
        stubFor(get(urlEqualTo(API + "/stage/nope")).willReturn(aResponse().withStatus(404).withHeader("Content-Type", PROBLEM)
                .withBody("{\"status\": 404, \"title\": \"Not Found\", \"detail\": \"request nope does not exist\", \"type\": \"about:blank\"}")));

        assertThatThrownBy(() -> client.status("nope"))
                .isInstanceOfSatisfying(TapeEndpointException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.status()).isEqualTo(404);
                })
                .hasMessage("status of stage request nope failed: HTTP 404 Not Found: request nope does not exist");
        verify(1, getRequestedFor(urlEqualTo(API + "/stage/nope")));
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void aRefusedStageNamesTheEndpointsReasonEvenWithoutProblemJson() {
        stubFor(post(urlEqualTo(API + "/stage")).willReturn(aResponse().withStatus(400).withBody("diskLifetime: bad value")));

        assertThatThrownBy(() -> client.stage(files("/f")))
                .isInstanceOfSatisfying(TapeEndpointException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessage("stage failed: HTTP 400 diskLifetime: bad value");
    }

    @Test
    void moreFilesThanOneRequestTakesAreRefusedBeforeAnyCall() {
        List<StageFile> many = IntStream.range(0, 201).mapToObj(i -> new StageFile("/f" + i, TWO_DAYS)).toList();

        assertThat(client.maxFilesPerStage()).isEqualTo(200);
        assertThatThrownBy(() -> client.stage(many))
                .isInstanceOfSatisfying(TapeEndpointException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("at most 200 files, got 201");
        verify(0, postRequestedFor(urlEqualTo(API + "/stage")));
    }

    @Test
    void stageInBatchesSplitsIntoRequestsOfAtMostTheLimit() {
        stubStage("r-b");
        List<StageFile> many = IntStream.range(0, 450).mapToObj(i -> new StageFile("/f" + i, TWO_DAYS)).toList();

        assertThat(client.stageInBatches(many)).containsExactly("r-b", "r-b", "r-b");

        verify(3, postRequestedFor(urlEqualTo(API + "/stage")));
        verify(postRequestedFor(urlEqualTo(API + "/stage")).withRequestBody(
                com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.files.length()", equalTo("50"))));
    }

    @Test
    void aFailedBatchForgetsTheRequestsAlreadyMade() {
        stubFor(post(urlEqualTo(API + "/stage")).inScenario("batches").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(201).withBody("{\"requestId\": \"first\"}")).willSetStateTo("refusing"));
        stubFor(post(urlEqualTo(API + "/stage")).inScenario("batches").whenScenarioStateIs("refusing")
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", PROBLEM)
                        .withBody("{\"title\": \"Forbidden\", \"detail\": \"quota exceeded\"}")));
        stubFor(delete(urlEqualTo(API + "/stage/first")).willReturn(aResponse().withStatus(200)));
        List<StageFile> many = IntStream.range(0, 300).mapToObj(i -> new StageFile("/f" + i, TWO_DAYS)).toList();

        assertThatThrownBy(() -> client.stageInBatches(many)).hasMessageContaining("quota exceeded");
        verify(deleteRequestedFor(urlEqualTo(API + "/stage/first")));
    }

    @Test
    void cancelPostsThePathsOfTheRequest() {
        stubFor(post(urlEqualTo(API + "/stage/r-4/cancel")).willReturn(aResponse().withStatus(200)));

        client.cancel("r-4", List.of("/f1", "/f2"));

        verify(postRequestedFor(urlEqualTo(API + "/stage/r-4/cancel"))
                .withRequestBody(equalToJson("{\"paths\": [\"/f1\", \"/f2\"]}")));
    }

    @Test
    void cancelOfPathsOutsideTheRequestIsRefused() {
        stubFor(post(urlEqualTo(API + "/stage/r-4/cancel")).willReturn(aResponse().withStatus(400).withHeader("Content-Type", PROBLEM)
                .withBody("{\"status\": 400, \"title\": \"Bad Request\", \"detail\": \"/x does not belong to that stage request\"}")));

        assertThatThrownBy(() -> client.cancel("r-4", List.of("/x")))
                .hasMessage("cancel of stage request r-4 failed: HTTP 400 Bad Request: /x does not belong to that stage request");
    }

    @Test
    void releasePostsThePathsUnderRelease() {
        stubFor(post(urlEqualTo(API + "/release/r-5")).willReturn(aResponse().withStatus(200)));

        client.release("r-5", List.of("/f1"));

        verify(postRequestedFor(urlEqualTo(API + "/release/r-5")).withRequestBody(equalToJson("{\"paths\": [\"/f1\"]}")));
    }

    @Test
    void emptyPathListsAreRefusedLocally() {
        assertThatThrownBy(() -> client.release("r-5", List.of())).isInstanceOfSatisfying(TapeEndpointException.class,
                e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> client.stage(List.of())).isInstanceOf(TapeEndpointException.class);
        verify(0, postRequestedFor(urlEqualTo(API + "/release/r-5")));
    }

    @Test
    void forgetDeletesTheRequest() {
        stubFor(delete(urlEqualTo(API + "/stage/r-6")).willReturn(aResponse().withStatus(204)));

        client.forget("r-6");

        verify(deleteRequestedFor(urlEqualTo(API + "/stage/r-6")));
    }

    @Test
    void requestIdsAreSentAsOnePathSegment() {
        stubFor(delete(urlEqualTo(API + "/stage/a%2Fb%20c")).willReturn(aResponse().withStatus(204)));

        client.forget("a/b c");

        verify(deleteRequestedFor(urlEqualTo(API + "/stage/a%2Fb%20c")));
    }

    @Test
    void archiveConfirmationReadsTheWlcgAnswerPerFileAndAnEndpointDownIsTransient() {
        // As the WLCG Tape REST API document answers POST /archiveinfo: per file a locality, or an error.
        stubFor(post(urlEqualTo(API + "/archiveinfo")).willReturn(okJson("""
                [{"path": "/migrating", "locality": "DISK"},
                 {"path": "/migrated", "locality": "DISK_AND_TAPE"},
                 {"path": "/evicted", "locality": "TAPE"},
                 {"path": "/lost", "locality": "LOST"},
                 {"path": "/unknown", "error": "USER ERROR: file does not exist or is not accessible to you"}]""")));

        List<ArchiveInfo> infos = client.archiveInfo(List.of("/migrating", "/migrated", "/evicted", "/lost", "/unknown"));

        assertThat(infos).extracting(ArchiveInfo::path, ArchiveInfo::archived, ArchiveInfo::failure).containsExactly(
                tuple("/migrating", false, null),
                tuple("/migrated", true, null),
                tuple("/evicted", true, null),
                tuple("/lost", false, "the tape system reports the file LOST"),
                tuple("/unknown", false,
                        "USER ERROR: file does not exist or is not accessible to you"));

        // The endpoint down: after the client's retries, a transient failure (the archive worker asks again later).
        stubFor(post(urlEqualTo(API + "/archiveinfo")).willReturn(aResponse().withStatus(503)));
        assertThatThrownBy(() -> client.archiveInfo(List.of("/migrating")))
                .isInstanceOfSatisfying(TapeEndpointException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.status()).isEqualTo(503);
                });
    }

    @Test
    void archiveInfoReportsEachFilesLocalityAndPerFileErrors() {
        stubFor(post(urlEqualTo(API + "/archiveinfo")).willReturn(okJson("""
                [{"path": "/written", "locality": "DISK"},
                 {"path": "/archived", "locality": "DISK_AND_TAPE"},
                 {"path": "/old", "locality": "TAPE"},
                 {"path": "/broken", "locality": "LOST"},
                 {"path": "/missing", "error": "No such file or directory"}]""")));

        List<ArchiveInfo> infos = client.archiveInfo(List.of("/written", "/archived", "/old", "/broken", "/missing"));

        assertThat(infos).containsExactly(
                new ArchiveInfo("/written", Locality.DISK, null),
                new ArchiveInfo("/archived", Locality.DISK_AND_TAPE, null),
                new ArchiveInfo("/old", Locality.TAPE, null),
                new ArchiveInfo("/broken", Locality.LOST, null),
                new ArchiveInfo("/missing", Locality.NONE, "No such file or directory"));
        assertThat(infos).filteredOn(i -> i.locality().onTape()).extracting(ArchiveInfo::path).containsExactly("/archived", "/old");
        verify(postRequestedFor(urlEqualTo(API + "/archiveinfo")).withRequestBody(equalToJson(
                "{\"paths\": [\"/written\", \"/archived\", \"/old\", \"/broken\", \"/missing\"]}")));
    }

    @Test
    void archiveInfoForManyPathsIsAskedInChunks() {
        TapeRestClient small = client(TapeRestSettings.defaults(URI.create(root)).withMaxFilesPerRequest(2));
        stubFor(post(urlEqualTo(API + "/archiveinfo")).willReturn(okJson("[{\"path\": \"/any\", \"locality\": \"TAPE\"}]")));

        assertThat(small.archiveInfo(List.of("/a", "/b", "/c"))).hasSize(2);
        verify(2, postRequestedFor(urlEqualTo(API + "/archiveinfo")));
    }
}
