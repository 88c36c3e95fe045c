package org.stevedore.web.ui;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;

/**
 * The figures of the UI's dashboard and operations pages, read from the store with the same definitions as the
 * metrics ({@code stevedore_rules}, {@code stevedore_transfers_done_total}/{@code _failed_total} per link,
 * {@code stevedore_requests}): rules by state, and per link (source RSE → destination RSE) the transfers done and
 * failed in a recent window and the queue. Read-only, one transaction per figure set; each restricted to the
 * caller's visible scopes ({@link UiScopes}; null: all).
 */
@Component
public class UiFigures {

    /** One link's figures over the window: transfers done (and their bytes), failed attempts, and the queue now. */
    public record Link(String source, String destination, long done, long bytes, long failed, long queued,
                       double bytesPerSecond) {
    }

    /** One RSE's usage: the storage's own report when there is one, else the catalog's account of its replicas. */
    public record Usage(String rse, String source, long used, Long free, Long total, Long files) {
    }

    static final List<String> QUEUE_STATES = List.of("QUEUED", "WAITING", "SUBMITTING", "SUBMITTED");

    private final Store store;
    private final Clock clock;

    public UiFigures(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Rules by state, every state of the scopes present. */
    public Map<String, Long> rulesByState(Set<String> scopes) {
        Map<String, Object> params = new HashMap<>();
        params.put("scopes", scopes == null ? null : List.copyOf(scopes));
        Map<String, Long> out = new LinkedHashMap<>();
        store.read(tx -> tx.run("""
                MATCH (r:Rule) WHERE $scopes IS NULL OR r.scope IN $scopes
                RETURN r.state AS state, count(r) AS n ORDER BY state
                """, params).list()).forEach(r -> out.put(r.get("state").asString("UNKNOWN"), r.get("n").asLong()));
        return out;
    }

    /**
     * Per link, the requests that arrived ({@code DONE}, or {@code ARCHIVING} on their way to tape) and whose last
     * attempt failed within {@code window}, and those queued now (any age). A queued request that has no source yet
     * has the link "" → destination. {@code destination}, when given, keeps one destination's links only.
     */
    public List<Link> links(Set<String> scopes, Duration window, String source, String destination) {
        long since = clock.millis() - window.toMillis();
        Map<String, Object> params = new HashMap<>();
        params.put("scopes", scopes == null ? null : List.copyOf(scopes));
        params.put("since", since);
        params.put("queue", QUEUE_STATES);
        params.put("source", source);
        params.put("destination", destination);
        double seconds = Math.max(1, window.toSeconds());
        return store.read(tx -> tx.run("""
                OPTIONAL MATCH (want:Rse {rse: $destination})
                WITH want WHERE $destination IS NULL OR want IS NOT NULL
                MATCH (q:Request)
                WHERE ($scopes IS NULL OR split(q.did_key, ':')[0] IN $scopes)
                  AND (want IS NULL OR q.dest_rse_id = want.id)
                  AND ($source IS NULL OR coalesce(q.source_rse, '') = $source)
                WITH q, q.state IN ['DONE', 'ARCHIVING'] AND coalesce(q.transferred_at, 0) >= $since AS done,
                     q.error IS NOT NULL AND NOT q.state IN ['DONE', 'ARCHIVING']
                       AND coalesce(q.updated_at, 0) >= $since AS failed,
                     q.state IN $queue AS queued
                WHERE done OR failed OR queued
                OPTIONAL MATCH (d:Rse {id: q.dest_rse_id})
                WITH coalesce(q.source_rse, '') AS source, coalesce(d.rse, q.dest_rse) AS destination, q, done, failed,
                     queued
                RETURN source, destination, sum(CASE WHEN done THEN 1 ELSE 0 END) AS done,
                       sum(CASE WHEN done THEN coalesce(q.bytes, 0) ELSE 0 END) AS bytes,
                       sum(CASE WHEN failed THEN 1 ELSE 0 END) AS failed,
                       sum(CASE WHEN queued THEN 1 ELSE 0 END) AS queued
                ORDER BY source, destination
                """, params).list(r -> new Link(r.get("source").asString(), Values.str(r.get("destination")),
                r.get("done").asLong(), r.get("bytes").asLong(), r.get("failed").asLong(), r.get("queued").asLong(),
                r.get("bytes").asLong() / seconds)));
    }

    /** Every RSE's usage: the storage's measured report when present, else the catalog's replica account. */
    public List<Usage> usage() {
        return store.read(tx -> tx.run("""
                MATCH (r:Rse) WHERE coalesce(r.deleted, false) = false
                OPTIONAL MATCH (r)-[:HAS_USAGE]->(u:RseUsage)
                WITH r, u ORDER BY CASE u.source WHEN 'storage' THEN 0 WHEN 'rucio' THEN 1 ELSE 2 END
                WITH r, collect(u)[0] AS u
                RETURN r.rse AS rse, u.source AS source, coalesce(u.used, 0) AS used, u.free AS free,
                       u.total AS total, u.files AS files
                ORDER BY rse
                """).list(r -> new Usage(r.get("rse").asString(), Values.str(r.get("source")),
                r.get("used").asLong(), longOrNull(r, "free"), longOrNull(r, "total"), longOrNull(r, "files"))));
    }

    /** Requests towards a link's destination (and from its source, "" for none yet), newest change first, paged. */
    public List<Map<String, Object>> requests(Set<String> scopes, String source, String destination, int offset,
                                              int limit) {
        Map<String, Object> params = new HashMap<>();
        params.put("scopes", scopes == null ? null : List.copyOf(scopes));
        params.put("source", source);
        params.put("destination", destination);
        params.put("offset", offset);
        params.put("limit", limit);
        return store.read(tx -> tx.run("""
                MATCH (d:Rse {rse: $destination})
                MATCH (q:Request) WHERE q.dest_rse_id = d.id
                  AND ($source IS NULL OR coalesce(q.source_rse, '') = $source)
                  AND ($scopes IS NULL OR split(q.did_key, ':')[0] IN $scopes)
                WITH q, d, coalesce(q.transferred_at, q.submitted_at, q.updated_at, q.created_at) AS changed
                ORDER BY changed DESC, q.key
                SKIP $offset LIMIT $limit
                RETURN q.did_key AS file, q.state AS state, coalesce(q.bytes, 0) AS bytes,
                       coalesce(q.retry_count, 0) AS retries, q.error AS error, q.source_rse AS source,
                       q.activity AS activity, changed
                """, params).list(r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("file", r.get("file").asString());
                    m.put("state", r.get("state").asString());
                    m.put("bytes", r.get("bytes").asLong());
                    m.put("retries", r.get("retries").asLong());
                    m.put("error", Values.str(r.get("error")));
                    m.put("source", Values.str(r.get("source")));
                    m.put("activity", Values.str(r.get("activity")));
                    m.put("changed_at", r.get("changed").isNull() ? null : r.get("changed").asLong());
                    return m;
                }));
    }

    private static Long longOrNull(org.neo4j.driver.Record r, String key) {
        return r.get(key).isNull() ? null : r.get(key).asLong();
    }
}
