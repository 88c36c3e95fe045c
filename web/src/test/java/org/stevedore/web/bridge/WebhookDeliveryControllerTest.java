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

    private List<Map<String, Object>> deliveries(String task) {
        HttpResponse<String> r = api.get("/bridge/tasks/" + task + "/deliveries");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ApiClient.jsonList(r).stream().map(ApiTest::map).toList();
    }

    @Test
    void aReleasedBatchIsDeliveredSignedAndListedAsDelivered() throws Exception {
        store.run("CREATE (:BridgeTask {id: 'task-9', webhook_url: $url, webhook_secret: 's3cret'})",
                Map.of("url", "http://localhost:" + consumer.getAddress().getPort() + "/hook"));
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
        assertThat(deliveries("nothing-here")).isEmpty();
    }

    @Test
    void theListingNeedsAToken() {
        assertThat(new ApiClient(port).get("/bridge/tasks/t/deliveries").statusCode()).isEqualTo(401);
    }
}
