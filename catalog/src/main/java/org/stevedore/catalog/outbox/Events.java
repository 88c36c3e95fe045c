package org.stevedore.catalog.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;

/**
 * The transactional outbox: events are written in the transaction of the change they report, so a consumer never
 * hears of a change that rolled back nor misses one that committed.
 */
public final class Events {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Replicas that became AVAILABLE in one committed batch: {@code {"files": [keys], "rse_ids": [ids]}}. */
    public static final String REPLICA_AVAILABLE = "REPLICA_AVAILABLE";

    /** One event. {@code payload} is a JSON object. */
    public record Event(String id, String type, String payload, Instant createdAt) {
    }

    private final Store store;
    private final Clock clock;

    /** Outbox reads and positions; positions record when they were last moved on the system clock. */
    public Events(Store store) {
        this(store, Clock.systemUTC());
    }

    public Events(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public static void emit(TransactionContext tx, String type, Map<String, Object> payload, long now) {
        String json;
        try {
            json = JSON.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Event payload is not serialisable", e);
        }
        tx.run("CREATE (:Event {id: $id, type: $type, payload: $payload, created_at: $now})",
                Map.of("id", UUID.randomUUID().toString(), "type", type, "payload", json, "now", now)).consume();
    }

    /**
     * Writes one event per payload, all of {@code type}, in one statement of the caller's transaction: for events
     * that are one per thing (a dataset created), of which a request may make many.
     */
    public static void emitEach(TransactionContext tx, String type, List<Map<String, Object>> payloads, long now) {
        if (payloads.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>(payloads.size());
        for (Map<String, Object> payload : payloads) {
            try {
                rows.add(Map.of("id", UUID.randomUUID().toString(), "payload", JSON.writeValueAsString(payload)));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("Event payload is not serialisable", e);
            }
        }
        tx.run("UNWIND $rows AS row CREATE (:Event {id: row.id, type: $type, payload: row.payload, created_at: $now})",
                Map.of("rows", rows, "type", type, "now", now)).consume();
    }

    /** The oldest events, up to {@code limit}. */
    public List<Event> oldest(int limit) {
        return store.read(tx -> tx.run("""
                MATCH (e:Event) RETURN e.id AS id, e.type AS type, e.payload AS payload, e.created_at AS created_at
                ORDER BY e.created_at, e.id LIMIT $limit
                """, Map.of("limit", limit)).list(r -> new Event(r.get("id").asString(), r.get("type").asString(),
                r.get("payload").asString(), Times.instant(r.get("created_at")))));
    }

    public void remove(List<String> ids) {
        store.write(tx -> tx.run("UNWIND $ids AS id MATCH (e:Event {id: id}) DELETE e", Map.of("ids", ids)).consume());
    }

    /**
     * Events of a type after the position ({@code fromMillis}, {@code afterId}) in (creation time, id) order, oldest
     * first, up to {@code limit}; {@code afterId} empty for everything from {@code fromMillis} on. Events stay in the
     * outbox for every consumer; each consumer keeps its own position ({@link #position}/{@link #advance}).
     */
    public List<Event> since(String type, long fromMillis, String afterId, int limit) {
        return store.read(tx -> tx.run("""
                MATCH (e:Event) WHERE e.created_at >= $from AND e.type = $type
                  AND (e.created_at > $from OR e.id > $after)
                RETURN e.id AS id, e.type AS type, e.payload AS payload, e.created_at AS created_at
                ORDER BY e.created_at, e.id LIMIT $limit
                """, Map.of("type", type, "from", fromMillis, "after", afterId, "limit", limit)).list(r -> new Event(
                r.get("id").asString(), r.get("type").asString(), r.get("payload").asString(),
                Times.instant(r.get("created_at")))));
    }

    /** A consumer's position in the outbox (a creation time in millis), or {@code otherwise} when it has none yet. */
    public long position(String consumer, long otherwise) {
        return store.read(tx -> tx.run("MATCH (p:OutboxPosition {consumer: $c}) RETURN p.created_at AS at",
                Map.of("c", consumer)).list(r -> r.get("at").asLong()).stream().findFirst().orElse(otherwise));
    }

    /** Moves a consumer's position forward (never back), noting when it moved (its sign of life for the purge). */
    public void advance(String consumer, long createdAt) {
        store.write(tx -> tx.run("""
                MERGE (p:OutboxPosition {consumer: $c})
                SET p.created_at = CASE WHEN p.created_at IS NULL OR p.created_at < $at THEN $at ELSE p.created_at END,
                    p.updated_at = $now
                """, Map.of("c", consumer, "at", createdAt, "now", clock.millis())).consume());
    }

    /**
     * Events created at or after {@code fromMillis} that {@code sink} has not yet marked delivered
     * ({@link #delivered}), of the given types (all when empty), oldest first in (creation time, id) order, up to
     * {@code limit}. What a sink that must not send twice in the window it re-reads (a broker) polls instead of
     * {@link #since}: its marks, unlike an in-memory set, survive a restart.
     */
    public List<Event> undelivered(String sink, long fromMillis, List<String> types, int limit) {
        return store.read(tx -> tx.run("""
                MATCH (e:Event) WHERE e.created_at >= $from AND (size($types) = 0 OR e.type IN $types)
                  AND NOT $sink IN coalesce(e.delivered_to, [])
                RETURN e.id AS id, e.type AS type, e.payload AS payload, e.created_at AS created_at
                ORDER BY e.created_at, e.id LIMIT $limit
                """, Map.of("sink", sink, "from", fromMillis, "types", types, "limit", limit)).list(r -> new Event(
                r.get("id").asString(), r.get("type").asString(), r.get("payload").asString(),
                Times.instant(r.get("created_at")))));
    }

    /**
     * Marks events delivered to {@code sink} and moves the sink's position to {@code position} (never back), in one
     * transaction: the sink's durable cursor moves only together with the marks, after the receiver confirmed.
     */
    public void delivered(String sink, List<String> ids, long position) {
        store.write(tx -> {
            tx.run("""
                    UNWIND $ids AS id MATCH (e:Event {id: id})
                    WHERE NOT $sink IN coalesce(e.delivered_to, [])
                    SET e.delivered_to = coalesce(e.delivered_to, []) + $sink
                    """, Map.of("ids", ids, "sink", sink)).consume();
            tx.run("""
                    MERGE (p:OutboxPosition {consumer: $c})
                    SET p.created_at = CASE WHEN p.created_at IS NULL OR p.created_at < $at THEN $at
                                            ELSE p.created_at END,
                        p.updated_at = $now
                    """, Map.of("c", sink, "at", position, "now", clock.millis())).consume();
            return null;
        });
    }

    /** A consumer's position: the creation time it has read up to, and when it last moved it. */
    public record Position(String consumer, long createdAt, long movedAt) {
    }

    /** Every consumer's position, by consumer. */
    public List<Position> positions() {
        return store.read(tx -> tx.run("""
                MATCH (p:OutboxPosition)
                RETURN p.consumer AS c, p.created_at AS at, coalesce(p.updated_at, p.created_at) AS moved
                ORDER BY c
                """).list(r -> new Position(r.get("c").asString(), r.get("at").asLong(), r.get("moved").asLong())));
    }

    /**
     * Deletes, in one transaction, up to {@code limit} of the oldest events created before {@code cutoff}; answers
     * how many went. The caller decides the cutoff (retention, consumers' positions).
     */
    public int purgeBefore(long cutoff, int limit) {
        return store.write(tx -> tx.run("""
                MATCH (e:Event) WHERE e.created_at < $cutoff
                WITH e ORDER BY e.created_at LIMIT $limit
                DELETE e
                RETURN count(*) AS n
                """, Map.of("cutoff", cutoff, "limit", limit)).single().get("n").asInt());
    }
}
