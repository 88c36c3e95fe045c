package org.stevedore.bridge.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;

/**
 * The webhook outbox of the workload bridge: {@code (:BridgeTask)-[:DELIVERY]->(:WebhookDelivery {key, task_id,
 * job_ids, from_seq, to_seq, released_at, payload, state, attempts, next_attempt_at, last_status, last_error, ...})}.
 *
 * <p>A delivery is written in the same transaction that releases its jobs ({@link #enqueue}), so a release is never
 * committed without its notification nor the other way round. The JSON body is fixed at that moment: every retry
 * sends the same bytes under the same idempotency key ({@code <task id>:<from seq>-<to seq>}, which is also the
 * node's unique key). States: PENDING (due at {@code next_attempt_at}), DELIVERED, FAILED (for good, with the
 * reason). A sender claims due deliveries by pushing their {@code next_attempt_at} one lease ahead, so a sender that
 * dies mid-send leaves them due again after the lease: delivery is at least once.
 */
public final class WebhookDeliveries {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ENQUEUE_BATCH = 1_000;

    /** Where a delivery stands. */
    public enum State { PENDING, DELIVERED, FAILED }

    /** A claimed delivery with what it takes to send it; the secret never leaves the sender. */
    public record Due(String key, String taskId, String url, String secret, String payload, int attempt) {

        @Override
        public String toString() {
            return "Due[key=" + key + ", taskId=" + taskId + ", url=" + url + ", attempt=" + attempt + "]";
        }
    }

    /** The outcome of one attempt, as the sender records it. */
    public record Attempt(String key, State state, Instant nextAttemptAt, Integer httpStatus, String error) {

        public static Attempt delivered(String key, int httpStatus) {
            return new Attempt(key, State.DELIVERED, null, httpStatus, null);
        }

        public static Attempt retryAt(String key, Instant at, Integer httpStatus, String error) {
            return new Attempt(key, State.PENDING, at, httpStatus, error);
        }

        public static Attempt failed(String key, Integer httpStatus, String error) {
            return new Attempt(key, State.FAILED, null, httpStatus, error);
        }
    }

    /** A delivery as listed for a task (no URL secret, no body). */
    public record Delivery(String key, String taskId, List<String> jobIds, long fromSeq, long toSeq, State state,
                           int attempts, Instant nextAttemptAt, Integer lastStatus, String lastError,
                           Instant releasedAt, Instant createdAt, Instant updatedAt, Instant deliveredAt) {
    }

    private final Store store;
    private final Clock clock;

    public WebhookDeliveries(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The idempotency key of a task's batch of released jobs. */
    public static String idempotencyKey(String taskId, long fromSeq, long toSeq) {
        return taskId + ":" + fromSeq + "-" + toSeq;
    }

    /** One task's batch of released jobs, for {@link #enqueueAll}. */
    public record Release(String taskId, List<String> jobIds, long fromSeq, long toSeq) {
    }

    /**
     * Inside the caller's (release) transaction: writes a PENDING delivery of {@code jobIds}, released at {@code now}
     * (epoch milliseconds) as the task's cursor range {@code fromSeq..toSeq}, due at once — only when the
     * {@code (:BridgeTask {id: taskId})} has a {@code webhook_url}; otherwise nothing. One statement. Writing the same
     * range again (a replayed transaction) keeps the first delivery.
     */
    public static void enqueue(TransactionContext tx, String taskId, List<String> jobIds, long fromSeq, long toSeq,
                               long now) {
        enqueueAll(tx, List.of(new Release(taskId, jobIds, fromSeq, toSeq)), now);
    }

    /** {@link #enqueue} for the batches of several tasks released together: one statement per thousand. */
    public static void enqueueAll(TransactionContext tx, List<Release> releases, long now) {
        List<Map<String, Object>> rows = new ArrayList<>(releases.size());
        for (Release r : releases) {
            if (r.taskId() == null || r.taskId().isBlank()) {
                throw new InvalidObject("A webhook delivery needs a task id");
            }
            if (r.jobIds() == null || r.jobIds().isEmpty()) {
                continue;
            }
            if (r.toSeq() < r.fromSeq()) {
                throw new InvalidObject("Cursor range " + r.fromSeq() + ".." + r.toSeq() + " of task '" + r.taskId()
                        + "' is empty");
            }
            String key = idempotencyKey(r.taskId(), r.fromSeq(), r.toSeq());
            Map<String, Object> row = new HashMap<>();
            row.put("task", r.taskId());
            row.put("key", key);
            row.put("jobs", List.copyOf(r.jobIds()));
            row.put("from", r.fromSeq());
            row.put("to", r.toSeq());
            row.put("payload", payload(key, r.taskId(), r.jobIds(), r.fromSeq(), r.toSeq(), now));
            row.put("bucket", Partition.bucket(r.taskId()));
            rows.add(row);
        }
        for (int from = 0; from < rows.size(); from += ENQUEUE_BATCH) {
            tx.run("""
                    UNWIND $rows AS row
                    MATCH (t:BridgeTask {id: row.task})
                    WHERE t.webhook_url IS NOT NULL AND t.webhook_url <> ''
                    MERGE (w:WebhookDelivery {key: row.key})
                      ON CREATE SET w.task_id = row.task, w.job_ids = row.jobs, w.from_seq = row.from, w.to_seq = row.to,
                        w.released_at = $now, w.payload = row.payload, w.state = 'PENDING', w.attempts = 0,
                        w.next_attempt_at = $now, w.created_at = $now, w.updated_at = $now, w.hash_bucket = row.bucket
                    MERGE (t)-[:DELIVERY]->(w)
                    """, Map.of("rows", rows.subList(from, Math.min(rows.size(), from + ENQUEUE_BATCH)), "now", now))
                    .consume();
        }
    }

    /** The body every attempt of a delivery sends. */
    static String payload(String key, String taskId, List<String> jobIds, long fromSeq, long toSeq, long now) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", "jobs_released");
        body.put("idempotencyKey", key);
        body.put("taskId", taskId);
        body.put("jobIds", jobIds);
        body.put("fromSeq", fromSeq);
        body.put("toSeq", toSeq);
        body.put("releasedAt", Instant.ofEpochMilli(now).toString());
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("webhook payload of " + key + " cannot be written as JSON", e);
        }
    }

    /**
     * Claims up to {@code limit} PENDING deliveries of {@code partition} that are due, oldest due first, with their
     * task's current URL and secret: each gets one more attempt counted and its {@code next_attempt_at} moved
     * {@code lease} ahead, so no other sender takes it meanwhile and it comes back if this one never reports.
     * A delivery whose task lost its webhook (or the task itself) fails for good here.
     */
    public List<Due> claim(Partition partition, int limit, Duration lease) {
        long now = clock.millis();
        Map<String, Object> params = new HashMap<>(partition.cypherParams());
        params.put("now", now);
        params.put("limit", limit);
        params.put("until", now + lease.toMillis());
        return store.write(tx -> {
            tx.run("""
                    MATCH (w:WebhookDelivery {state: 'PENDING'}) WHERE w.next_attempt_at <= $now AND %s
                      AND NOT EXISTS { MATCH (t:BridgeTask)-[:DELIVERY]->(w) WHERE t.webhook_url IS NOT NULL AND t.webhook_url <> '' }
                    SET w.state = 'FAILED', w.last_error = 'The task has no webhook any more', w.updated_at = $now
                    """.formatted(partition.cypherFilter("w")), params).consume();
            return tx.run("""
                    MATCH (w:WebhookDelivery {state: 'PENDING'}) WHERE w.next_attempt_at <= $now AND %s
                    WITH w ORDER BY w.next_attempt_at, w.key LIMIT $limit
                    MATCH (t:BridgeTask)-[:DELIVERY]->(w)
                    SET w.attempts = w.attempts + 1, w.next_attempt_at = $until, w.updated_at = $now
                    RETURN w.key AS key, w.task_id AS task, t.webhook_url AS url, t.webhook_secret AS secret,
                           w.payload AS payload, w.attempts AS attempt
                    ORDER BY key
                    """.formatted(partition.cypherFilter("w")), params).list(r -> new Due(r.get("key").asString(),
                    r.get("task").asString(), r.get("url").asString(), Values.str(r.get("secret")),
                    r.get("payload").asString(), r.get("attempt").asInt()));
        });
    }

    /** Records the outcomes of a round of attempts, in one statement. Unknown keys are ignored. */
    public void record(List<Attempt> attempts) {
        if (attempts.isEmpty()) {
            return;
        }
        long now = clock.millis();
        List<Map<String, Object>> rows = new ArrayList<>(attempts.size());
        for (Attempt a : attempts) {
            Map<String, Object> row = new HashMap<>();
            row.put("key", a.key());
            row.put("state", a.state().name());
            row.put("next", a.state() == State.PENDING ? Times.millis(a.nextAttemptAt()) : null);
            row.put("status", a.httpStatus() == null ? null : a.httpStatus().longValue());
            row.put("error", a.error());
            row.put("delivered", a.state() == State.DELIVERED ? now : null);
            rows.add(row);
        }
        int batch = store.batchSize();
        store.write(tx -> {
            for (int from = 0; from < rows.size(); from += batch) {
                tx.run("""
                        UNWIND $rows AS row
                        MATCH (w:WebhookDelivery {key: row.key})
                        SET w.state = row.state, w.next_attempt_at = row.next, w.last_status = row.status,
                            w.last_error = row.error, w.delivered_at = row.delivered, w.updated_at = $now
                        """, Map.of("rows", rows.subList(from, Math.min(rows.size(), from + batch)), "now", now))
                        .consume();
            }
            return null;
        });
    }

    /** The deliveries of a task, in cursor order. */
    public List<Delivery> ofTask(String taskId) {
        return store.read(tx -> tx.run("""
                MATCH (w:WebhookDelivery {task_id: $task})
                RETURN w ORDER BY w.from_seq, w.key
                """, Map.of("task", taskId == null ? "" : taskId)).list(WebhookDeliveries::delivery));
    }

    private static Delivery delivery(Record r) {
        var w = r.get("w");
        Long status = Values.lng(w.get("last_status"));
        return new Delivery(w.get("key").asString(), w.get("task_id").asString(),
                w.get("job_ids").asList(v -> v.asString()), w.get("from_seq").asLong(), w.get("to_seq").asLong(),
                State.valueOf(w.get("state").asString()), w.get("attempts").asInt(0),
                w.get("state").asString().equals("PENDING") ? Times.instant(w.get("next_attempt_at")) : null,
                status == null ? null : status.intValue(), Values.str(w.get("last_error")),
                Times.instant(w.get("released_at")), Times.instant(w.get("created_at")),
                Times.instant(w.get("updated_at")), Times.instant(w.get("delivered_at")));
    }
}
