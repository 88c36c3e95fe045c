package org.stevedore.bridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.bridge.store.WebhookDeliveries.Attempt;
import org.stevedore.bridge.store.WebhookDeliveries.Delivery;
import org.stevedore.bridge.store.WebhookDeliveries.Due;
import org.stevedore.bridge.store.WebhookDeliveries.State;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;

class WebhookDeliveriesTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private final WebhookDeliveries deliveries = new WebhookDeliveries(store, clock);

    /** A task node as bridge-core writes it; url null means no webhook. */
    private void task(String id, String url, String secret) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", id);
        params.put("url", url);
        params.put("secret", secret);
        store.run("CREATE (:BridgeTask {id: $id, webhook_url: $url, webhook_secret: $secret})", params);
    }

    private void enqueue(String taskId, List<String> jobs, long from, long to) {
        store.write(tx -> {
            WebhookDeliveries.enqueue(tx, taskId, jobs, from, to, clock.millis());
            return null;
        });
    }

    @Test
    void enqueueWritesAPendingDeliveryWithAStableKeyAndTheReleasedJobsInItsBody() throws Exception {
        task("t1", "http://hooks.example/t1", "s3cret");
        enqueue("t1", List.of("job-1", "job-2"), 1, 2);

        List<Delivery> listed = deliveries.ofTask("t1");
        assertThat(listed).singleElement().satisfies(d -> {
            assertThat(d.key()).isEqualTo("t1:1-2");
            assertThat(d.jobIds()).containsExactly("job-1", "job-2");
            assertThat(d.state()).isEqualTo(State.PENDING);
            assertThat(d.attempts()).isZero();
            assertThat(d.nextAttemptAt()).isEqualTo(clock.instant());
            assertThat(d.releasedAt()).isEqualTo(clock.instant());
        });
        List<Due> due = deliveries.claim(Partition.whole(), 10, Duration.ofMinutes(1));
        assertThat(due).singleElement().satisfies(d -> {
            assertThat(d.url()).isEqualTo("http://hooks.example/t1");
            assertThat(d.secret()).isEqualTo("s3cret");
            assertThat(d.attempt()).isEqualTo(1);
        });
        JsonNode body = new ObjectMapper().readTree(due.get(0).payload());
        assertThat(body.get("idempotencyKey").asText()).isEqualTo("t1:1-2");
        assertThat(body.get("taskId").asText()).isEqualTo("t1");
        assertThat(body.get("jobIds")).extracting(JsonNode::asText).containsExactly("job-1", "job-2");
        assertThat(body.get("fromSeq").asLong()).isEqualTo(1);
        assertThat(body.get("toSeq").asLong()).isEqualTo(2);
        assertThat(body.get("releasedAt").asText()).isEqualTo("2026-11-22T10:00:00Z");
    }

    @Test
    void aTaskWithoutWebhookGetsNoDelivery() {
        task("quiet", null, null);
        task("blank", "", null);
        enqueue("quiet", List.of("j"), 1, 1);
        enqueue("blank", List.of("j"), 1, 1);
        enqueue("no-such-task", List.of("j"), 1, 1);
        assertThat(store.run("MATCH (w:WebhookDelivery) RETURN count(w) AS n", Map.of()).get(0).get("n").asLong())
                .isZero();
    }

    @Test
    void enqueueingTheSameRangeTwiceKeepsOneDelivery() {
        task("t1", "http://hooks.example/t1", "s");
        enqueue("t1", List.of("a"), 5, 5);
        clock.advance(Duration.ofSeconds(3));
        enqueue("t1", List.of("a"), 5, 5);
        assertThat(deliveries.ofTask("t1")).singleElement()
                .satisfies(d -> assertThat(d.releasedAt()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z")));
    }

    @Test
    void enqueueRefusesAnInvertedRangeAndIgnoresAnEmptyBatch() {
        task("t1", "http://hooks.example/t1", "s");
        assertThatThrownBy(() -> enqueue("t1", List.of("a"), 7, 6)).isInstanceOf(InvalidObject.class)
                .hasMessageContaining("7..6");
        enqueue("t1", List.of(), 1, 1);
        assertThat(deliveries.ofTask("t1")).isEmpty();
    }

    @Test
    void aRolledBackReleaseLeavesNoDelivery() {
        task("t1", "http://hooks.example/t1", "s");
        assertThatThrownBy(() -> store.write(tx -> {
            WebhookDeliveries.enqueue(tx, "t1", List.of("a"), 1, 1, clock.millis());
            throw new IllegalStateException("release failed");
        })).hasMessage("release failed");
        assertThat(deliveries.ofTask("t1")).isEmpty();
    }

    @Test
    void aClaimedDeliveryIsLeasedAndComesBackWhenTheSenderNeverReports() {
        task("t1", "http://hooks.example/t1", "s");
        enqueue("t1", List.of("a"), 1, 1);
        assertThat(deliveries.claim(Partition.whole(), 10, Duration.ofSeconds(30))).hasSize(1);
        assertThat(deliveries.claim(Partition.whole(), 10, Duration.ofSeconds(30))).isEmpty();
        clock.advance(Duration.ofSeconds(31));
        assertThat(deliveries.claim(Partition.whole(), 10, Duration.ofSeconds(30)))
                .singleElement().satisfies(d -> assertThat(d.attempt()).isEqualTo(2));
    }

    @Test
    void outcomesAreRecordedAndVisibleInTheTaskListing() {
        task("t1", "http://hooks.example/t1", "s");
        enqueue("t1", List.of("a"), 1, 1);
        enqueue("t1", List.of("b"), 2, 2);
        enqueue("t1", List.of("c"), 3, 3);
        deliveries.claim(Partition.whole(), 10, Duration.ofSeconds(30));
        Instant retryAt = clock.instant().plusSeconds(8);
        deliveries.record(List.of(
                Attempt.delivered("t1:1-1", 204),
                Attempt.retryAt("t1:2-2", retryAt, 503, "HTTP 503"),
                Attempt.failed("t1:3-3", 410, "HTTP 410: gone")));

        List<Delivery> listed = deliveries.ofTask("t1");
        assertThat(listed).extracting(Delivery::state).containsExactly(State.DELIVERED, State.PENDING, State.FAILED);
        assertThat(listed.get(0).deliveredAt()).isEqualTo(clock.instant());
        assertThat(listed.get(0).lastStatus()).isEqualTo(204);
        assertThat(listed.get(1).nextAttemptAt()).isEqualTo(retryAt);
        assertThat(listed.get(1).lastError()).isEqualTo("HTTP 503");
        assertThat(listed.get(2).lastError()).isEqualTo("HTTP 410: gone");
        assertThat(listed).extracting(Delivery::attempts).containsExactly(1, 1, 1);

        assertThat(deliveries.claim(Partition.whole(), 10, Duration.ofSeconds(30))).isEmpty();
        clock.advance(Duration.ofSeconds(8));
        assertThat(deliveries.claim(Partition.whole(), 10, Duration.ofSeconds(30))).extracting(Due::key)
                .containsExactly("t1:2-2");
    }

    @Test
    void partitionsSplitDeliveriesByTaskWithoutOverlap() {
        for (int i = 0; i < 20; i++) {
            task("task-" + i, "http://hooks.example/" + i, "s");
            enqueue("task-" + i, List.of("j"), 1, 1);
        }
        List<Due> first = deliveries.claim(new Partition(0, 2), 100, Duration.ofMinutes(1));
        List<Due> second = deliveries.claim(new Partition(1, 2), 100, Duration.ofMinutes(1));
        assertThat(first).isNotEmpty();
        assertThat(second).isNotEmpty();
        assertThat(first.size() + second.size()).isEqualTo(20);
        assertThat(first).allSatisfy(d -> assertThat(new Partition(0, 2).owns(d.taskId())).isTrue());
        assertThat(second).allSatisfy(d -> assertThat(new Partition(1, 2).owns(d.taskId())).isTrue());
    }

    @Test
    void aDeliveryWhoseTaskLostItsWebhookFailsForGood() {
        task("t1", "http://hooks.example/t1", "s");
        enqueue("t1", List.of("a"), 1, 1);
        store.run("MATCH (t:BridgeTask {id: 't1'}) REMOVE t.webhook_url", Map.of());
        assertThat(deliveries.claim(Partition.whole(), 10, Duration.ofSeconds(30))).isEmpty();
        assertThat(deliveries.ofTask("t1")).singleElement().satisfies(d -> {
            assertThat(d.state()).isEqualTo(State.FAILED);
            assertThat(d.lastError()).contains("no webhook");
        });
    }

    @Test
    void claimTakesTheOldestDueFirstUpToTheLimit() {
        task("t1", "http://hooks.example/t1", "s");
        enqueue("t1", List.of("a"), 1, 1);
        clock.advance(Duration.ofSeconds(1));
        enqueue("t1", List.of("b"), 2, 2);
        clock.advance(Duration.ofSeconds(1));
        enqueue("t1", List.of("c"), 3, 3);
        assertThat(deliveries.claim(Partition.whole(), 2, Duration.ofMinutes(1))).extracting(Due::key)
                .containsExactly("t1:1-1", "t1:2-2");
    }

    @Test
    void enqueueAllWritesTheBatchesOfSeveralTasksAndSkipsTasksWithoutWebhook() {
        task("a", "http://hooks.example/a", "s");
        task("b", "http://hooks.example/b", "s");
        task("quiet", null, null);
        store.write(tx -> {
            WebhookDeliveries.enqueueAll(tx, List.of(
                    new WebhookDeliveries.Release("a", List.of("a-1"), 1, 1),
                    new WebhookDeliveries.Release("b", List.of("b-1", "b-2"), 4, 5),
                    new WebhookDeliveries.Release("quiet", List.of("q-1"), 1, 1),
                    new WebhookDeliveries.Release("a", List.of(), 2, 2)), clock.millis());
            return null;
        });
        assertThat(deliveries.ofTask("a")).extracting(Delivery::key).containsExactly("a:1-1");
        assertThat(deliveries.ofTask("b")).singleElement().satisfies(d -> {
            assertThat(d.key()).isEqualTo("b:4-5");
            assertThat(d.jobIds()).containsExactly("b-1", "b-2");
        });
        assertThat(deliveries.ofTask("quiet")).isEmpty();
    }
}
