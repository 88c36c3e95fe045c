package org.stevedore.bridge.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.bridge.store.WebhookDeliveries;
import org.stevedore.bridge.store.WebhookDeliveries.Delivery;
import org.stevedore.bridge.store.WebhookDeliveries.State;
import org.stevedore.catalog.daemon.Backoff;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;

class WebhookSenderTest extends StoreTest {

    private static final String SECRET = "a-task-secret";

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private final WebhookDeliveries deliveries = new WebhookDeliveries(store, clock);
    /** 2 s to connect, 3 s to answer (the test machine is slow), retries from 1 s doubling to 8 s, 4 attempts. */
    private final WebhookSettings settings = new WebhookSettings(Duration.ofSeconds(2), Duration.ofSeconds(3),
            new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)), 4, 10);
    private WireMockServer consumer;
    private WebhookSender sender;

    @BeforeEach
    void start() {
        consumer = new WireMockServer(options().dynamicPort());
        consumer.start();
        // The consumer is on this machine: allowed by name, as an operator would allow an internal consumer.
        WebhookTargets targets = WebhookTargets.of(List.of("localhost"));
        sender = new WebhookSender(deliveries, WebhookSender.httpClient(settings, targets), targets, settings, clock,
                () -> 0.5, new WakeUpSleeper());
    }

    @AfterEach
    void stop() {
        consumer.stop();
    }

    private String url(String path) {
        return "http://localhost:" + consumer.port() + path;
    }

    private void task(String id, String url, String secret) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", id);
        params.put("url", url);
        params.put("secret", secret);
        store.run("CREATE (:BridgeTask {id: $id, webhook_url: $url, webhook_secret: $secret})", params);
    }

    private void release(String taskId, List<String> jobs, long from, long to) {
        store.write(tx -> {
            WebhookDeliveries.enqueue(tx, taskId, jobs, from, to, clock.millis());
            return null;
        });
    }

    private WorkResult cycle() {
        return sender.runOnce(Partition.whole());
    }

    private Delivery only(String taskId) {
        List<Delivery> listed = deliveries.ofTask(taskId);
        assertThat(listed).hasSize(1);
        return listed.get(0);
    }

    /** The HMAC computed here, apart from the production code, as a consumer would. */
    private static String hmac(String secret, String timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertSigned(LoggedRequest r) throws Exception {
        String timestamp = r.getHeader(WebhookSignature.TIMESTAMP_HEADER);
        assertThat(r.getHeader(WebhookSignature.SIGNATURE_HEADER)).isEqualTo(hmac(SECRET, timestamp, r.getBodyAsString()));
        assertThat(WebhookSignature.verify(SECRET, Long.parseLong(timestamp), r.getBodyAsString(),
                r.getHeader(WebhookSignature.SIGNATURE_HEADER))).isTrue();
        assertThat(WebhookSignature.verify("another secret", Long.parseLong(timestamp), r.getBodyAsString(),
                r.getHeader(WebhookSignature.SIGNATURE_HEADER))).isFalse();
    }

    @Test
    void postsTheReleasedJobsSignedWithTheTaskSecretAndItsIdempotencyKey() throws Exception {
        consumer.stubFor(post(urlEqualTo("/hooks/t1")).willReturn(aResponse().withStatus(204)));
        task("t1", url("/hooks/t1"), SECRET);
        release("t1", List.of("job-1", "job-2"), 1, 2);

        assertThat(cycle().items()).isEqualTo(1);

        List<LoggedRequest> sent = consumer.findAll(postRequestedFor(urlEqualTo("/hooks/t1")));
        assertThat(sent).hasSize(1);
        LoggedRequest r = sent.get(0);
        assertThat(r.getHeader("Idempotency-Key")).isEqualTo("t1:1-2");
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        assertThat(r.getHeader(WebhookSignature.TIMESTAMP_HEADER)).isEqualTo(Long.toString(clock.instant().getEpochSecond()));
        assertSigned(r);
        JsonNode body = new ObjectMapper().readTree(r.getBodyAsString());
        assertThat(body.get("taskId").asText()).isEqualTo("t1");
        assertThat(body.get("jobIds")).extracting(JsonNode::asText).containsExactly("job-1", "job-2");
        Delivery d = only("t1");
        assertThat(d.state()).isEqualTo(State.DELIVERED);
        assertThat(d.lastStatus()).isEqualTo(204);
        assertThat(d.attempts()).isEqualTo(1);
        assertThat(cycle().didWork()).isFalse();
    }

    @Test
    void serverErrorsAreRetriedWithBackOffUnderTheSameKeyAndBodyUntilDelivered() throws Exception {
        consumer.stubFor(post(urlEqualTo("/h")).inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503).withBody("busy")).willSetStateTo("second"));
        consumer.stubFor(post(urlEqualTo("/h")).inScenario("flaky").whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(500)).willSetStateTo("third"));
        consumer.stubFor(post(urlEqualTo("/h")).inScenario("flaky").whenScenarioStateIs("third")
                .willReturn(aResponse().withStatus(200)));
        task("t1", url("/h"), SECRET);
        release("t1", List.of("j"), 1, 1);

        cycle();
        Delivery first = only("t1");
        assertThat(first.state()).isEqualTo(State.PENDING);
        assertThat(first.lastStatus()).isEqualTo(503);
        assertThat(first.lastError()).as("the status, never the answer's body").isEqualTo("HTTP 503");
        // delay(1, 0.5) of a 1 s base: half of 1 s plus half of the other half
        assertThat(first.nextAttemptAt()).isEqualTo(clock.instant().plusMillis(750));
        assertThat(cycle().didWork()).as("not due before its back-off").isFalse();

        clock.advance(Duration.ofMillis(750));
        cycle();
        Delivery second = only("t1");
        assertThat(second.lastStatus()).isEqualTo(500);
        assertThat(second.nextAttemptAt()).as("the back-off doubles").isEqualTo(clock.instant().plusMillis(1500));

        clock.advance(Duration.ofMillis(1500));
        cycle();
        assertThat(only("t1").state()).isEqualTo(State.DELIVERED);
        assertThat(only("t1").attempts()).isEqualTo(3);

        List<LoggedRequest> sent = consumer.findAll(postRequestedFor(urlEqualTo("/h")));
        assertThat(sent).hasSize(3);
        assertThat(sent).extracting(r -> r.getHeader("Idempotency-Key")).containsOnly("t1:1-1");
        assertThat(sent).extracting(LoggedRequest::getBodyAsString).containsOnly(sent.get(0).getBodyAsString());
        assertThat(sent).extracting(r -> r.getHeader(WebhookSignature.ATTEMPT_HEADER)).containsExactly("1", "2", "3");
        for (LoggedRequest r : sent) {
            assertSigned(r);
        }
    }

    @Test
    void anAnswerSlowerThanTheTimeoutIsRetried() {
        consumer.stubFor(post(urlEqualTo("/slow")).inScenario("slow").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(200).withFixedDelay(8_000)).willSetStateTo("fast"));
        consumer.stubFor(post(urlEqualTo("/slow")).inScenario("slow").whenScenarioStateIs("fast")
                .willReturn(aResponse().withStatus(200)));
        task("t1", url("/slow"), SECRET);
        release("t1", List.of("j"), 1, 1);

        cycle();
        assertThat(only("t1").state()).isEqualTo(State.PENDING);
        assertThat(only("t1").lastError()).isEqualTo("No answer within 3000 ms");
        clock.advance(Duration.ofSeconds(1));
        cycle();
        assertThat(only("t1").state()).isEqualTo(State.DELIVERED);
        assertThat(consumer.findAll(postRequestedFor(urlEqualTo("/slow"))))
                .extracting(r -> r.getHeader("Idempotency-Key")).containsExactly("t1:1-1", "t1:1-1");
    }

    @Test
    void aConnectionResetIsRetried() {
        consumer.stubFor(post(urlEqualTo("/reset")).inScenario("reset").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("ok"));
        consumer.stubFor(post(urlEqualTo("/reset")).inScenario("reset").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(202)));
        task("t1", url("/reset"), SECRET);
        release("t1", List.of("j"), 1, 1);

        cycle();
        assertThat(only("t1").state()).isEqualTo(State.PENDING);
        assertThat(only("t1").lastError()).startsWith("Connection failed");
        clock.advance(Duration.ofSeconds(1));
        cycle();
        assertThat(only("t1").state()).isEqualTo(State.DELIVERED);
        assertThat(only("t1").lastStatus()).isEqualTo(202);
    }

    @Test
    void aRefusedConnectionIsRetried() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        task("t1", "http://localhost:" + closedPort + "/h", SECRET);
        release("t1", List.of("j"), 1, 1);
        cycle();
        assertThat(only("t1").state()).isEqualTo(State.PENDING);
        assertThat(only("t1").lastError()).startsWith("Cannot connect");
    }

    @Test
    void aClientErrorFailsForGoodWithItsStatusVisible() {
        consumer.stubFor(post(urlEqualTo("/gone")).willReturn(aResponse().withStatus(410).withBody("no such task\nhere")));
        task("t1", url("/gone"), SECRET);
        release("t1", List.of("j"), 1, 1);

        cycle();
        Delivery d = only("t1");
        assertThat(d.state()).isEqualTo(State.FAILED);
        assertThat(d.lastStatus()).isEqualTo(410);
        assertThat(d.lastError()).as("the status, never the answer's body").isEqualTo("HTTP 410");
        clock.advance(Duration.ofHours(1));
        assertThat(cycle().didWork()).isFalse();
        assertThat(consumer.findAll(postRequestedFor(urlEqualTo("/gone")))).hasSize(1);
    }

    @Test
    void requestTimeoutAndTooManyRequestsAreRetriedHonouringRetryAfter() {
        consumer.stubFor(post(urlEqualTo("/408")).willReturn(aResponse().withStatus(408)));
        consumer.stubFor(post(urlEqualTo("/429")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "5")));
        task("a", url("/408"), SECRET);
        task("b", url("/429"), SECRET);
        release("a", List.of("j"), 1, 1);
        release("b", List.of("j"), 1, 1);

        cycle();
        assertThat(only("a").state()).isEqualTo(State.PENDING);
        assertThat(only("a").nextAttemptAt()).isEqualTo(clock.instant().plusMillis(750));
        assertThat(only("b").state()).isEqualTo(State.PENDING);
        assertThat(only("b").nextAttemptAt()).isEqualTo(clock.instant().plusSeconds(5));
    }

    @Test
    void aDeliveryThatKeepsFailingIsGivenUpAfterTheLastAttempt() {
        consumer.stubFor(post(urlEqualTo("/down")).willReturn(aResponse().withStatus(502)));
        task("t1", url("/down"), SECRET);
        release("t1", List.of("j"), 1, 1);
        for (int i = 0; i < 10; i++) {
            cycle();
            clock.advance(Duration.ofSeconds(8));
        }
        Delivery d = only("t1");
        assertThat(d.state()).isEqualTo(State.FAILED);
        assertThat(d.attempts()).isEqualTo(4);
        assertThat(d.lastError()).isEqualTo("Gave up after 4 attempts; last: HTTP 502");
        assertThat(consumer.findAll(postRequestedFor(urlEqualTo("/down")))).hasSize(4);
    }

    @Test
    void oneCycleSendsTheDueDeliveriesOfSeveralTasks() {
        consumer.stubFor(post(urlEqualTo("/many")).willReturn(aResponse().withStatus(200)));
        for (int i = 0; i < 6; i++) {
            task("t" + i, url("/many"), SECRET);
            release("t" + i, List.of("j"), 1, 1);
        }
        assertThat(cycle().items()).isEqualTo(6);
        assertThat(consumer.findAll(postRequestedFor(urlEqualTo("/many")))).extracting(r -> r.getHeader("Idempotency-Key"))
                .containsExactlyInAnyOrder("t0:1-1", "t1:1-1", "t2:1-1", "t3:1-1", "t4:1-1", "t5:1-1");
    }

    @Test
    void aDeliveryThatCannotBeAddressedFailsWithoutARequest() {
        task("badurl", "ftp://example.org/x", SECRET);
        release("badurl", List.of("j"), 1, 1);
        cycle();
        assertThat(only("badurl").state()).isEqualTo(State.FAILED);
        assertThat(only("badurl").lastError()).contains("ftp://example.org/x");
        assertThat(consumer.getAllServeEvents()).isEmpty();
    }

    @Test
    void aTaskWithoutSecretGetsUnsignedDeliveries() {
        consumer.stubFor(post(urlEqualTo("/x")).willReturn(aResponse().withStatus(200)));
        task("nosecret", url("/x"), null);
        release("nosecret", List.of("j"), 1, 1);
        cycle();
        assertThat(only("nosecret").state()).isEqualTo(State.DELIVERED);
        LoggedRequest r = consumer.findAll(postRequestedFor(urlEqualTo("/x"))).get(0);
        assertThat(r.getHeader("Idempotency-Key")).isEqualTo("nosecret:1-1");
        assertThat(r.containsHeader(WebhookSignature.SIGNATURE_HEADER)).isFalse();
    }

    @Test
    void releasedAtInTheBodyIsTheReleaseTimeNotTheSendTime() throws Exception {
        consumer.stubFor(post(urlEqualTo("/h")).willReturn(aResponse().withStatus(200)));
        task("t1", url("/h"), SECRET);
        release("t1", List.of("j"), 1, 1);
        clock.advance(Duration.ofMinutes(3));
        cycle();
        LoggedRequest r = consumer.findAll(postRequestedFor(urlEqualTo("/h"))).get(0);
        assertThat(new ObjectMapper().readTree(r.getBodyAsString()).get("releasedAt").asText())
                .isEqualTo("2026-11-22T10:00:00Z");
        assertThat(Instant.ofEpochSecond(Long.parseLong(r.getHeader(WebhookSignature.TIMESTAMP_HEADER))))
                .isEqualTo(Instant.parse("2026-11-22T10:03:00Z"));
    }

    private WebhookSender senderWith(WebhookTargets targets) {
        return new WebhookSender(deliveries, WebhookSender.httpClient(settings, targets), targets, settings, clock,
                () -> 0.5, new WakeUpSleeper());
    }

    @Test
    void aDeliveryToAnInternalAddressIsRefusedForGoodWithoutARequest() {
        consumer.stubFor(post(urlEqualTo("/h")).willReturn(aResponse().withStatus(200)));
        // Written straight into the store, as a task registered before the check existed would be.
        task("t1", "http://127.0.0.1:" + consumer.port() + "/h", SECRET);
        release("t1", List.of("j"), 1, 1);
        cycle();
        Delivery d = only("t1");
        assertThat(d.state()).isEqualTo(State.FAILED);
        assertThat(d.lastError()).contains("is a loopback address");
        assertThat(consumer.getAllServeEvents()).isEmpty();
    }

    @Test
    void aNameThatResolvesToAPublicAddressAtRegistrationAndToLoopbackAtDeliveryIsNeverConnectedTo() throws Exception {
        consumer.stubFor(post(urlEqualTo("/h")).willReturn(aResponse().withStatus(200)));
        // DNS rebinding, played by a resolver of the test's own: public first, then this machine.
        Deque<String> answers = new ArrayDeque<>(List.of("203.0.113.10", "127.0.0.1"));
        List<String> asked = new CopyOnWriteArrayList<>();
        WebhookTargets targets = new WebhookTargets(List.of(), host -> {
            asked.add(host);
            String answer = answers.size() > 1 ? answers.poll() : answers.peek();
            return List.of(InetAddress.getByName(answer));
        }, Set::of);
        String url = "http://rebind.example:" + consumer.port() + "/h";
        assertThat(targets.check(url).getHost()).as("registration sees a public address").isEqualTo("rebind.example");
        task("t1", url, SECRET);
        release("t1", List.of("j"), 1, 1);

        senderWith(targets).runOnce(Partition.whole());

        Delivery d = only("t1");
        assertThat(d.state()).isEqualTo(State.FAILED);
        assertThat(d.lastError()).contains("rebind.example resolves to a loopback address");
        assertThat(consumer.getAllServeEvents()).as("nothing reached the loopback consumer").isEmpty();
        assertThat(asked).containsExactly("rebind.example", "rebind.example");
    }

    @Test
    void theConnectionGoesToTheAddressTheSenderResolvedAndChecked() {
        consumer.stubFor(post(urlEqualTo("/pinned")).willReturn(aResponse().withStatus(204)));
        // No DNS knows hook.invalid: only the sender's own, checked, answer can take the request to the consumer.
        WebhookTargets targets = new WebhookTargets(List.of("127.0.0.1"), host -> {
            if (!host.equals("hook.invalid")) {
                throw new UnknownHostException(host);
            }
            return List.of(InetAddress.getByName("127.0.0.1"));
        }, Set::of);
        task("t1", "http://hook.invalid:" + consumer.port() + "/pinned", SECRET);
        release("t1", List.of("j"), 1, 1);

        senderWith(targets).runOnce(Partition.whole());

        assertThat(only("t1").state()).isEqualTo(State.DELIVERED);
        LoggedRequest r = consumer.findAll(postRequestedFor(urlEqualTo("/pinned"))).get(0);
        assertThat(r.getHeader("Host")).as("the URL's host name still travels").isEqualTo("hook.invalid:" + consumer.port());
    }

    @Test
    void aRedirectIsNotFollowed() {
        consumer.stubFor(post(urlEqualTo("/moved")).willReturn(aResponse().withStatus(307)
                .withHeader("Location", "http://127.0.0.1:" + consumer.port() + "/inside")));
        consumer.stubFor(post(urlEqualTo("/inside")).willReturn(aResponse().withStatus(200)));
        task("t1", url("/moved"), SECRET);
        release("t1", List.of("j"), 1, 1);
        cycle();
        assertThat(only("t1").state()).isEqualTo(State.FAILED);
        assertThat(only("t1").lastError()).isEqualTo("HTTP 307");
        assertThat(consumer.findAll(postRequestedFor(urlEqualTo("/inside")))).isEmpty();
    }
}
