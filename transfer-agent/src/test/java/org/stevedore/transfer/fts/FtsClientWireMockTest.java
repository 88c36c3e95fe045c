package org.stevedore.transfer.fts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import okhttp3.OkHttpClient;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.daemon.Backoff;
import org.stevedore.grid.DeterministicJobIds;
import org.stevedore.testsupport.RecordingSleeper;
import org.stevedore.transfer.tool.FileState;
import org.stevedore.transfer.tool.JobState;
import org.stevedore.transfer.tool.JobStatus;
import org.stevedore.transfer.tool.SubmittedJob;
import org.stevedore.transfer.tool.TapeStaging;
import org.stevedore.transfer.tool.TransferFile;
import org.stevedore.transfer.tool.TransferJob;
import org.stevedore.transfer.tool.TransferToolRejected;
import org.stevedore.transfer.tool.TransferToolUnavailable;

/** The FTS3 client against WireMock stubs that answer as the reference says FTS3 does, faults included. */
class FtsClientWireMockTest {

    private static final String WHOAMI = """
            {"user_dn": "/DC=org/DC=stevedore-test/O=Robots/CN=stevedore", "dn": [], "vos": ["dteam"],
             "voms_cred": [], "delegation_id": "dlg1", "method": "certificate", "is_root": false}""";

    private final ObjectMapper json = new ObjectMapper();
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private WireMockServer fts;

    @BeforeEach
    void start() {
        fts = new WireMockServer(options().dynamicPort());
        fts.start();
        fts.stubFor(get(urlEqualTo("/whoami")).willReturn(okJson(WHOAMI)));
    }

    @AfterEach
    void stop() {
        fts.stop();
    }

    private Fts3Config config() {
        return Fts3Config.defaults(URI.create(fts.baseUrl()))
                .withRetry(4, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2)));
    }

    private OkHttpClient http(Duration readTimeout) {
        return new OkHttpClient.Builder().readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false).build();
    }

    private Fts3Client tokenClient(Fts3Config config) {
        return new Fts3Client(config, http(Duration.ofSeconds(5)), new Fts3Auth.BearerToken("secret-jwt"),
                Clock.systemUTC(), sleeper);
    }

    private static TransferJob diskJob(String id, int files) {
        return TransferJob.fromDisk(id, "SITE_A_DISK", "SITE_B_DISK", IntStream.range(0, files)
                .mapToObj(i -> new TransferFile("req-" + i, List.of("davs://a.example.org/data/f" + i),
                        "davs://b.example.org/data/f" + i, 1000 + i, "1a2b3c", "Production", 3))
                .toList());
    }

    private static String expectedJobId(String sid) {
        return DeterministicJobIds.jobId("dteam", sid);
    }

    @Test
    void submissionCarriesDeterministicSidChecksumsActivityPriorityAndNoOverwrite() throws Exception {
        fts.stubFor(post(urlEqualTo("/jobs")).willReturn(okJson("{\"job_id\": \"job-1\"}")));

        List<SubmittedJob> submitted = tokenClient(config()).submit(List.of(diskJob("tj-1", 2)));

        assertThat(submitted).containsExactly(new SubmittedJob("job-1", fts.baseUrl() + "/", "tj-1",
                List.of("req-0", "req-1")));
        JsonNode body = json.readTree(fts.findAll(postRequestedFor(urlEqualTo("/jobs"))).get(0).getBodyAsString());
        JsonNode params = body.get("params");
        assertThat(params.get("id_generator").asText()).isEqualTo("deterministic");
        assertThat(params.get("sid").asText()).isEqualTo("tj-1#0");
        assertThat(params.get("verify_checksum").asText()).isEqualTo("both");
        assertThat(params.get("overwrite").asBoolean()).isFalse();
        assertThat(params.get("priority").asInt()).isEqualTo(3);
        assertThat(params.get("bring_online").asInt()).isEqualTo(-1);
        assertThat(params.get("copy_pin_lifetime").asInt()).isEqualTo(-1);
        JsonNode file = body.get("files").get(1);
        assertThat(file.get("checksum").asText()).isEqualTo("ADLER32:001a2b3c");
        assertThat(file.get("filesize").asLong()).isEqualTo(1001);
        assertThat(file.get("activity").asText()).isEqualTo("Production");
        assertThat(file.get("metadata").get("request_id").asText()).isEqualTo("req-1");
        assertThat(file.get("sources").get(0).asText()).isEqualTo("davs://a.example.org/data/f1");
        fts.verify(postRequestedFor(urlEqualTo("/jobs")).withHeader("Authorization", equalTo("Bearer secret-jwt")));
    }

    @Test
    void tapeSourceAsksForBringOnlineAndPinLifetime() throws Exception {
        fts.stubFor(post(urlEqualTo("/jobs")).willReturn(okJson("{\"job_id\": \"job-tape\"}")));
        TransferJob disk = diskJob("tj-tape", 1);
        TransferJob tape = TransferJob.fromTape(disk.id(), "SITE_A_TAPE", disk.destinationRse(), disk.files(),
                new TapeStaging(Duration.ofDays(7), Duration.ofHours(2)));

        tokenClient(config()).submit(List.of(tape));

        JsonNode params = json.readTree(fts.findAll(postRequestedFor(urlEqualTo("/jobs"))).get(0).getBodyAsString())
                .get("params");
        assertThat(params.get("bring_online").asLong()).isEqualTo(7 * 24 * 3600);
        assertThat(params.get("copy_pin_lifetime").asLong()).isEqualTo(2 * 3600);
    }

    @Test
    void largeTransferJobIsSplitIntoJobsOfAtMostTheConfiguredFilesWithDistinctSids() {
        fts.stubFor(post(urlEqualTo("/jobs")).willReturn(okJson("{\"job_id\": \"any\"}")));

        List<SubmittedJob> submitted = tokenClient(config().withMaxFilesPerJob(2)).submit(List.of(diskJob("tj-big", 5)));

        assertThat(submitted).extracting(SubmittedJob::requestIds)
                .containsExactly(List.of("req-0", "req-1"), List.of("req-2", "req-3"), List.of("req-4"));
        fts.verify(1, postRequestedFor(urlEqualTo("/jobs")).withRequestBody(matchingJsonPath("$.params.sid",
                equalTo("tj-big#2"))));
        fts.verify(3, postRequestedFor(urlEqualTo("/jobs")));
    }

    @Test
    void connectionResetMidSubmissionIsRetriedAfterABackoff() {
        fts.stubFor(post(urlEqualTo("/jobs")).inScenario("reset").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("up"));
        fts.stubFor(post(urlEqualTo("/jobs")).inScenario("reset").whenScenarioStateIs("up")
                .willReturn(okJson("{\"job_id\": \"job-after-reset\"}")));

        List<SubmittedJob> submitted = tokenClient(config()).submit(List.of(diskJob("tj-reset", 1)));

        assertThat(submitted).extracting(SubmittedJob::jobId).containsExactly("job-after-reset");
        fts.verify(2, postRequestedFor(urlEqualTo("/jobs")));
        assertThat(sleeper.waits).hasSize(1);
        assertThat(sleeper.waits.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
    }

    @Test
    void submissionThatTimedOutAfterBeingAcceptedIsNotDuplicated() {
        String sid = "tj-timeout#0";
        // The server takes the job but answers too late for our read timeout; resubmitting the sid gives 409.
        fts.stubFor(post(urlEqualTo("/jobs")).inScenario("slow").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"job_id\": \"" + expectedJobId(sid) + "\"}").withFixedDelay(3000))
                .willSetStateTo("accepted"));
        fts.stubFor(post(urlEqualTo("/jobs")).inScenario("slow").whenScenarioStateIs("accepted")
                .willReturn(aResponse().withStatus(409).withHeader("Content-Type", "application/json")
                        .withBody("{\"status\": \"409 Conflict\", \"message\": \"The sid provided is already in use\"}")));
        fts.stubFor(get(urlEqualTo("/jobs/" + expectedJobId(sid)))
                .willReturn(okJson("{\"job_id\": \"" + expectedJobId(sid) + "\", \"job_state\": \"SUBMITTED\"}")));
        Fts3Client client = new Fts3Client(config(), http(Duration.ofMillis(1000)), new Fts3Auth.BearerToken("t"),
                Clock.systemUTC(), sleeper);
        client.whoami();

        List<SubmittedJob> submitted = client.submit(List.of(diskJob("tj-timeout", 1)));

        assertThat(submitted).extracting(SubmittedJob::jobId).containsExactly(expectedJobId(sid));
        fts.verify(2, postRequestedFor(urlEqualTo("/jobs")));
    }

    @Test
    void conflictWithoutOurJobIsARejectionNotASubmission() {
        fts.stubFor(post(urlEqualTo("/jobs")).willReturn(aResponse().withStatus(409)
                .withBody("{\"status\": \"409 Conflict\", \"message\": \"Destination already in an active job\"}")));
        fts.stubFor(get(urlEqualTo("/jobs/" + expectedJobId("tj-dst#0"))).willReturn(aResponse().withStatus(404)
                .withBody("{\"status\": \"404 Not Found\", \"message\": \"No job with the id\"}")));

        assertThatThrownBy(() -> tokenClient(config()).submit(List.of(diskJob("tj-dst", 1))))
                .isInstanceOfSatisfying(TransferToolRejected.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.transferJobId()).isEqualTo("tj-dst");
                    assertThat(e.isTransient()).isFalse();
                })
                .hasMessageContaining("Destination already in an active job");
    }

    @Test
    void serviceUnavailableIsRetriedWithGrowingBackoffAndThenSucceeds() {
        fts.stubFor(post(urlEqualTo("/jobs")).inScenario("503").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503).withBody("{\"status\": \"503 Service Unavailable\", "
                        + "\"message\": \"database pool timeout\"}")).willSetStateTo("again"));
        fts.stubFor(post(urlEqualTo("/jobs")).inScenario("503").whenScenarioStateIs("again")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        fts.stubFor(post(urlEqualTo("/jobs")).inScenario("503").whenScenarioStateIs("up")
                .willReturn(okJson("{\"job_id\": \"job-503\"}")));

        List<SubmittedJob> submitted = tokenClient(config()).submit(List.of(diskJob("tj-503", 1)));

        assertThat(submitted).extracting(SubmittedJob::jobId).containsExactly("job-503");
        assertThat(sleeper.waits).hasSize(2);
        assertThat(sleeper.waits.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void serviceUnavailableBeyondTheRetryBudgetIsATransientFailure() {
        fts.stubFor(post(urlEqualTo("/jobs")).willReturn(aResponse().withStatus(503)
                .withBody("{\"status\": \"503 Service Unavailable\", \"message\": \"database pool timeout\"}")));

        assertThatThrownBy(() -> tokenClient(config()).submit(List.of(diskJob("tj-down", 1))))
                .isInstanceOfSatisfying(TransferToolUnavailable.class, e -> assertThat(e.isTransient()).isTrue())
                .hasMessageContaining("database pool timeout");
        fts.verify(4, postRequestedFor(urlEqualTo("/jobs")));
        assertThat(sleeper.waits).hasSize(3);
    }

    @Test
    void validationErrorIsFatalAndNotRetried() {
        fts.stubFor(post(urlEqualTo("/jobs")).willReturn(aResponse().withStatus(400)
                .withBody("{\"status\": \"400 Bad Request\", \"message\": \"Invalid value within the request\"}")));

        assertThatThrownBy(() -> tokenClient(config()).submit(List.of(diskJob("tj-bad", 1))))
                .isInstanceOf(TransferToolRejected.class).hasMessageContaining("Invalid value");
        fts.verify(1, postRequestedFor(urlEqualTo("/jobs")));
    }

    @Test
    void failureOnALaterJobReportsTheJobsAlreadySubmitted() {
        fts.stubFor(post(urlEqualTo("/jobs")).withRequestBody(matchingJsonPath("$.params.sid", equalTo("tj-ok#0")))
                .willReturn(okJson("{\"job_id\": \"job-ok\"}")));
        fts.stubFor(post(urlEqualTo("/jobs")).withRequestBody(matchingJsonPath("$.params.sid", equalTo("tj-no#0")))
                .willReturn(aResponse().withStatus(403).withBody("{\"status\": \"403 Forbidden\", "
                        + "\"message\": \"The storage is banned\"}")));

        assertThatThrownBy(() -> tokenClient(config()).submit(List.of(diskJob("tj-ok", 1), diskJob("tj-no", 1))))
                .isInstanceOfSatisfying(TransferToolRejected.class, e -> {
                    assertThat(e.transferJobId()).isEqualTo("tj-no");
                    assertThat(e.alreadySubmitted()).extracting(SubmittedJob::jobId).containsExactly("job-ok");
                });
    }

    @Test
    void expiredDelegationAnswered419IsRenewedAndTheJobResubmitted() throws Exception {
        FtsTestPki pki = new FtsTestPki();
        X509Credential me = pki.user("stevedore", Duration.ofDays(2));
        KeyPair serverKeys = FtsTestPki.rsa();
        String termination = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).plusHours(20).withNano(0).toString();
        fts.stubFor(get(urlEqualTo("/delegation/dlg1"))
                .willReturn(okJson("{\"termination_time\": \"" + termination + "\", \"voms_attrs\": []}")));
        fts.stubFor(get(urlEqualTo("/delegation/dlg1/request"))
                .willReturn(aResponse().withHeader("Content-Type", "text/plain")
                        .withBody(FtsTestPki.delegationRequest(serverKeys))));
        fts.stubFor(put(urlEqualTo("/delegation/dlg1/credential")).willReturn(aResponse().withStatus(201)));
        fts.stubFor(post(urlEqualTo("/jobs")).inScenario("419").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(419).withBody("{\"status\": \"419 Authentication Timeout\", "
                        + "\"message\": \"The delegated credentials expired\"}")).willSetStateTo("delegated"));
        fts.stubFor(post(urlEqualTo("/jobs")).inScenario("419").whenScenarioStateIs("delegated")
                .willReturn(okJson("{\"job_id\": \"job-419\"}")));
        Fts3Client client = new Fts3Client(config(), http(Duration.ofSeconds(5)), new Fts3Auth.X509(me),
                Clock.systemUTC(), sleeper);

        List<SubmittedJob> submitted = client.submit(List.of(diskJob("tj-419", 1)));

        assertThat(submitted).extracting(SubmittedJob::jobId).containsExactly("job-419");
        fts.verify(1, putRequestedFor(urlEqualTo("/delegation/dlg1/credential")));
        fts.verify(2, postRequestedFor(urlEqualTo("/jobs")));
    }

    @Test
    void delegatedProxyIsAnRfc3820ProxyOfOurCertificateForTheServersKeyWithinTheChainsLifetime() throws Exception {
        FtsTestPki pki = new FtsTestPki();
        // The user certificate expires in 3 h, before the 12 h the client asks for: the proxy must be cut to it.
        X509Credential me = pki.user("stevedore", Duration.ofHours(3));
        KeyPair serverKeys = FtsTestPki.rsa();
        fts.stubFor(get(urlEqualTo("/delegation/dlg1")).willReturn(okJson("null")));
        fts.stubFor(get(urlEqualTo("/delegation/dlg1/request"))
                .willReturn(aResponse().withBody(FtsTestPki.delegationRequest(serverKeys))));
        fts.stubFor(put(urlEqualTo("/delegation/dlg1/credential")).willReturn(aResponse().withStatus(201)));
        fts.stubFor(post(urlEqualTo("/jobs")).willReturn(okJson("{\"job_id\": \"job-d\"}")));
        Fts3Client client = new Fts3Client(config(), http(Duration.ofSeconds(5)), new Fts3Auth.X509(me),
                Clock.systemUTC(), sleeper);

        client.submit(List.of(diskJob("tj-d", 1)));

        String pem = fts.findAll(putRequestedFor(urlEqualTo("/delegation/dlg1/credential"))).get(0).getBodyAsString();
        assertThat(pem).doesNotContain("PRIVATE KEY");
        List<X509Certificate> sent = new ArrayList<>();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                .forEach(c -> sent.add((X509Certificate) c));
        X509Certificate proxy = sent.get(0);
        X509Certificate user = me.certificate();
        assertThat(sent.subList(1, sent.size())).containsExactlyElementsOf(me.chain());

        // issuer = our subject; subject = issuer + one trailing CN=<number>
        assertThat(proxy.getIssuerX500Principal()).isEqualTo(user.getSubjectX500Principal());
        X500Name issuer = X500Name.getInstance(user.getSubjectX500Principal().getEncoded());
        RDN[] subject = X500Name.getInstance(proxy.getSubjectX500Principal().getEncoded()).getRDNs();
        assertThat(subject).hasSize(issuer.getRDNs().length + 1);
        assertThat(new X500Name(java.util.Arrays.copyOf(subject, subject.length - 1))).isEqualTo(issuer);
        RDN last = subject[subject.length - 1];
        assertThat(last.getFirst().getType()).isEqualTo(BCStyle.CN);
        assertThat(IETFUtils.valueToString(last.getFirst().getValue())).matches("[0-9]+");

        // for the server's key, signed with ours
        assertThat(proxy.getPublicKey()).isEqualTo(serverKeys.getPublic());
        proxy.verify(user.getPublicKey());

        // proxyCertInfo, critical, policy inherit-all; CA:false; digitalSignature + keyEncipherment
        assertThat(proxy.getCriticalExtensionOIDs()).contains("1.3.6.1.5.5.7.1.14", "2.5.29.19", "2.5.29.15");
        ASN1Sequence proxyCertInfo = ASN1Sequence.getInstance(ASN1OctetString.getInstance(
                proxy.getExtensionValue("1.3.6.1.5.5.7.1.14")).getOctets());
        ASN1Sequence policy = ASN1Sequence.getInstance(proxyCertInfo.getObjectAt(proxyCertInfo.size() - 1));
        assertThat(policy.getObjectAt(0)).isEqualTo(ProxySigner.INHERIT_ALL);
        assertThat(proxy.getBasicConstraints()).isEqualTo(-1);
        assertThat(proxy.getKeyUsage()[0]).isTrue();
        assertThat(proxy.getKeyUsage()[2]).isTrue();
        assertThat(proxy.getSigAlgName()).isEqualTo("SHA256withRSA");

        // never outlives the chain
        assertThat(proxy.getNotAfter()).isBeforeOrEqualTo(user.getNotAfter()).isBeforeOrEqualTo(pki.ca.getNotAfter());
        assertThat(proxy.getNotAfter().toInstant()).isAfter(java.time.Instant.now().plus(Duration.ofHours(2)));
    }

    @Test
    void bearerTokenClientNeverDelegates() {
        fts.stubFor(post(urlEqualTo("/jobs")).willReturn(okJson("{\"job_id\": \"job-t\"}")));

        tokenClient(config()).submit(List.of(diskJob("tj-t", 1)));

        fts.verify(0, getRequestedFor(urlPathEqualTo("/delegation/dlg1")));
        fts.verify(0, putRequestedFor(urlEqualTo("/delegation/dlg1/credential")));
    }

    @Test
    void bulkStatusWith207ReportsTheKnownJobAndLooksForTheMissingOneInTheArchiveThenCallsItLost() {
        fts.stubFor(get(urlPathEqualTo("/jobs/j1,j2")).withQueryParam("files", equalTo(Fts3Json.FILE_FIELDS))
                .willReturn(aResponse().withStatus(207).withHeader("Content-Type", "application/json").withBody("""
                        [{"job_id": "j1", "job_state": "FINISHEDDIRTY", "http_status": "200 Ok", "reason": "",
                          "files": [
                            {"file_state": "FINISHED", "source_surl": "davs://a/f0", "dest_surl": "davs://b/f0",
                             "reason": "", "file_metadata": {"request_id": "req-0"}},
                            {"file_state": "FAILED", "source_surl": "davs://a/f1", "dest_surl": "davs://b/f1",
                             "reason": "SOURCE [2] No such file", "file_metadata": "{\\"request_id\\": \\"req-1\\"}"}]},
                         {"job_id": "j2", "http_status": "404 Not Found"}]""")));
        fts.stubFor(get(urlEqualTo("/archive/j2")).willReturn(aResponse().withStatus(404)
                .withBody("{\"status\": \"404 Not Found\", \"message\": \"No job with the id j2\"}")));

        Map<String, JobStatus> statuses = tokenClient(config()).query(List.of("j1", "j2"));

        assertThat(statuses.get("j1").state()).isEqualTo(JobState.FINISHEDDIRTY);
        assertThat(statuses.get("j1").files()).extracting(f -> f.requestId() + "=" + f.state())
                .containsExactly("req-0=FINISHED", "req-1=FAILED");
        assertThat(statuses.get("j1").files().get(1).reason()).isEqualTo("SOURCE [2] No such file");
        assertThat(statuses.get("j2").state()).isEqualTo(JobState.LOST);
        fts.verify(1, getRequestedFor(urlEqualTo("/archive/j2")));
        fts.verify(0, getRequestedFor(urlEqualTo("/archive/j1")));
    }

    @Test
    void jobThatMovedToTheArchiveIsReportedFromThere() {
        fts.stubFor(get(urlPathEqualTo("/jobs/old")).willReturn(aResponse().withStatus(404)
                .withBody("{\"status\": \"404 Not Found\", \"message\": \"No job with the id old\"}")));
        fts.stubFor(get(urlEqualTo("/archive/old")).willReturn(okJson("""
                {"job_id": "old", "job_state": "FINISHED", "reason": "",
                 "files": [{"file_state": "FINISHED", "file_metadata": {"request_id": "req-9"}}]}""")));

        JobStatus status = tokenClient(config()).query(List.of("old")).get("old");

        assertThat(status.state()).isEqualTo(JobState.FINISHED);
        assertThat(status.files()).extracting(f -> f.requestId() + "=" + f.state()).containsExactly("req-9=FINISHED");
    }

    @Test
    void statusesAreAskedInBulkChunks() {
        fts.stubFor(get(urlPathEqualTo("/jobs/a,b")).willReturn(okJson("""
                [{"job_id": "a", "job_state": "ACTIVE", "http_status": "200 Ok", "files": []},
                 {"job_id": "b", "job_state": "STAGING", "http_status": "200 Ok", "files": [
                   {"file_state": "STARTED", "file_metadata": {"request_id": "r"}}]}]""")));
        fts.stubFor(get(urlPathEqualTo("/jobs/c")).willReturn(okJson("""
                {"job_id": "c", "job_state": "READY", "files": []}""")));

        Map<String, JobStatus> statuses = tokenClient(config().withMaxJobsPerQuery(2)).query(List.of("a", "b", "c"));

        assertThat(statuses.values()).extracting(JobStatus::state)
                .containsExactly(JobState.ACTIVE, JobState.STAGING, JobState.SUBMITTED);
        assertThat(statuses.get("b").files().get(0).state()).isEqualTo(FileState.STAGING);
        fts.verify(1, getRequestedFor(urlPathEqualTo("/jobs/a,b")).withQueryParam("files", equalTo(Fts3Json.FILE_FIELDS)));
        fts.verify(1, getRequestedFor(urlPathEqualTo("/jobs/c")).withQueryParam("files", equalTo(Fts3Json.FILE_FIELDS)));
    }

    @Test
    void cancelAcceptsJobsAlreadyTerminalOrGone() {
        fts.stubFor(delete(urlEqualTo("/jobs/x,y")).willReturn(aResponse().withStatus(207).withBody("""
                [{"job_id": "x", "job_state": "FINISHED", "http_status": "304 Not Modified"},
                 {"job_id": "y", "http_status": "404 Not Found"}]""")));

        tokenClient(config()).cancel(List.of("x", "y"));

        fts.verify(1, deleteRequestedFor(urlEqualTo("/jobs/x,y")));
    }

    @Test
    void priorityIsClampedToFtsRange() {
        fts.stubFor(post(urlEqualTo("/jobs/p")).willReturn(okJson("{\"job_id\": \"p\"}")));

        tokenClient(config()).setPriority("p", 42);

        fts.verify(postRequestedFor(urlEqualTo("/jobs/p"))
                .withRequestBody(equalToJson("{\"params\": {\"priority\": 5}}")));
    }
}
