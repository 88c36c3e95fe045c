package org.stevedore.web.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.stevedore.bridge.store.WebhookDeliveries;
import org.stevedore.bridge.webhook.WakeUpSleeper;
import org.stevedore.bridge.webhook.WebhookSignature;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/** The application's sender daemon delivers a released batch after a wake-up; the task's deliveries show it. */
class WebhookDeliveryControllerTest extends ApiTest {

    @Autowired
    private WakeUpSleeper webhookWakeUp;

    private HttpServer consumer;
    private final List<String> keys = new CopyOnWriteArrayList<>();
    private final List<Boolean> signedRight = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startConsumer() throws Exception {
        consumer = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        consumer.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var headers = exchange.getRequestHeaders();
            keys.add(headers.getFirst(WebhookSignature.IDEMPOTENCY_HEADER));
            signedRight.add(WebhookSignature.verify("s3cret", Long.parseLong(headers.getFirst(WebhookSignature.TIMESTAMP_HEADER)),
                    body, headers.getFirst(WebhookSignature.SIGNATURE_HEADER)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        consumer.start();
    }

    @AfterEach
    void stopConsumer() {
        consumer.stop(0);
    }

    /** A task as the registrar writes it, owned by {@code account}, with a webhook to {@code url}. */
    private void task(String id, String account, String url) {
        store.run("""
                CREATE (:BridgeTask {id: $id, account: $account, state: 'ACTIVE', rse_expression: 'X', rse_ids: [],
                  pin_lifetime_s: 3600, priority: 3, dataset_key: 'bridge:' + $id, webhook_url: $url,
                  webhook_secret: 's3cret'})
                """, Map.of("id", id, "account", account, "url", url));
    }

    private List<Map<String, Object>> deliveries(String task) {
        HttpResponse<String> r = api.get("/bridge/tasks/" + task + "/deliveries");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ApiClient.jsonList(r).stream().map(ApiTest::map).toList();
    }

    @Test
    void aReleasedBatchIsDeliveredSignedAndListedAsDelivered() throws Exception {
        task("task-9", "root", "http://localhost:" + consumer.getAddress().getPort() + "/hook");
        store.write(tx -> {
            WebhookDeliveries.enqueue(tx, "task-9", List.of("job-1", "job-2"), 1, 2, System.currentTimeMillis());
            return null;
        });
        webhookWakeUp.wakeUp();

        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!"DELIVERED".equals(deliveries("task-9").get(0).get("state")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Map<String, Object> d = deliveries("task-9").get(0);
        assertThat(d.get("state")).isEqualTo("DELIVERED");
        assertThat(d.get("idempotencyKey")).isEqualTo("task-9:1-2");
        assertThat(d.get("jobIds")).isEqualTo(List.of("job-1", "job-2"));
        assertThat(d.get("attempts")).isEqualTo(1);
        assertThat(d.get("lastStatus")).isEqualTo(204);
        assertThat(d.get("deliveredAt")).isNotNull();
        assertThat(keys).containsExactly("task-9:1-2");
        assertThat(signedRight).containsExactly(true);
    }

    @Test
    void aTaskWithoutDeliveriesListsNone() {
        task("nothing-here", "root", "https://hooks.example/x");
        assertThat(deliveries("nothing-here")).isEmpty();
    }

    @Test
    void onlyTheTasksAccountAndAdminsSeeItsDeliveries() {
        api.post("/accounts/jdoe", Map.of("type", "USER"));
        api.post("/accounts/jdoe/identities", Map.of("identity", "jdoe", "authtype", "USERPASS", "password", "pw-jdoe-123"));
        api.post("/accounts/mallory", Map.of("type", "USER"));
        api.post("/accounts/mallory/identities", Map.of("identity", "mallory", "authtype", "USERPASS",
                "password", "pw-mallory-123"));
        ApiClient jdoe = new ApiClient(port).withToken(token("jdoe", "pw-jdoe-123"));
        ApiClient mallory = new ApiClient(port).withToken(token("mallory", "pw-mallory-123"));
        // Port 1 of this machine: the application's sender may try it, and no traffic leaves the machine.
        task("jdoes-task", "jdoe", "http://localhost:1/x");
        store.write(tx -> {
            WebhookDeliveries.enqueue(tx, "jdoes-task", List.of("job-1"), 1, 1, System.currentTimeMillis());
            return null;
        });

        assertThat(ApiClient.jsonList(jdoe.get("/bridge/tasks/jdoes-task/deliveries"))).hasSize(1);
        assertThat(deliveries("jdoes-task")).as("an admin").hasSize(1);
        assertError(mallory.get("/bridge/tasks/jdoes-task/deliveries"), 403, "AccessDenied", "view_task_deliveries");
        assertError(mallory.get("/bridge/tasks/no-such-task/deliveries"), 404, "TaskNotFound", "no-such-task");
    }

    @Test
    void deliveriesRecordedWithTheStartOfTheAnswerShowOnlyItsStatus() {
        task("old-task", "root", "http://localhost:1/x");
        // As the sender recorded failures before it stopped keeping what the other end said; in the transaction that
        // writes them, so the application's sender never sees them due.
        store.write(tx -> {
            WebhookDeliveries.enqueue(tx, "old-task", List.of("job-1"), 1, 1, System.currentTimeMillis());
            WebhookDeliveries.enqueue(tx, "old-task", List.of("job-2"), 2, 2, System.currentTimeMillis());
            tx.run("MATCH (w:WebhookDelivery {key: 'old-task:1-1'}) SET w.state = 'FAILED', w.last_status = 403,"
                    + " w.last_error = 'HTTP 403: {\"secret\": \"internal\"}'").consume();
            tx.run("MATCH (w:WebhookDelivery {key: 'old-task:2-2'}) SET w.state = 'FAILED', w.last_error ="
                    + " 'Gave up after 15 attempts; last: Connection failed: Invalid status line: \"+OK redis\"'").consume();
            return null;
        });
        List<Map<String, Object>> listed = deliveries("old-task");
        assertThat(listed).extracting(d -> d.get("lastError"))
                .containsExactly("HTTP 403", "Gave up after 15 attempts; last: Connection failed");
    }

    @Test
    void theListingNeedsAToken() {
        assertThat(new ApiClient(port).get("/bridge/tasks/t/deliveries").statusCode()).isEqualTo(401);
    }
}
