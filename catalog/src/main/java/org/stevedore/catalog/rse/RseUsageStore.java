package org.stevedore.catalog.rse;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.stevedore.catalog.error.InvalidValueForKey;
import org.stevedore.catalog.naming.Names;
import org.stevedore.catalog.store.Store;

/**
 * Usage of RSEs per source: {@code (:Rse)-[:HAS_USAGE]->(:RseUsage {source, used, free, total, files, updated_at})},
 * one node per RSE and source.
 */
public final class RseUsageStore {

    private final Store store;
    private final Clock clock;

    public RseUsageStore(Store store) {
        this(store, Clock.systemUTC());
    }

    public RseUsageStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Records the usage the source reports, replacing its previous report. */
    public RseUsage set(String rse, String source, long used, Long free, Long files) {
        Names.key("usage source", source);
        nonNegative("used", used);
        nonNegative("free", free);
        nonNegative("files", files);
        Map<String, Object> props = new HashMap<>();
        props.put("used", used);
        props.put("free", free);
        props.put("total", free == null ? null : used + free);
        props.put("files", files);
        props.put("updated_at", clock.millis());
        return store.write(tx -> {
            RseGraph.requireId(tx, rse);
            return toUsage(tx.run("""
                    MATCH (r:Rse {rse: $rse})
                    MERGE (r)-[:HAS_USAGE]->(u:RseUsage {source: $source})
                    SET u += $props
                    RETURN r.id AS id, r.rse AS rse, u
                    """, Map.of("rse", rse, "source", source, "props", props)).single());
        });
    }

    /** The RSE's usage per source, sorted by source. */
    public List<RseUsage> list(String rse) {
        return store.read(tx -> {
            RseGraph.requireId(tx, rse);
            return tx.run("""
                    MATCH (r:Rse {rse: $rse})-[:HAS_USAGE]->(u:RseUsage)
                    RETURN r.id AS id, r.rse AS rse, u ORDER BY u.source
                    """, Map.of("rse", rse)).list(RseUsageStore::toUsage);
        });
    }

    private static RseUsage toUsage(Record r) {
        Map<String, Object> u = r.get("u").asMap();
        return new RseUsage(r.get("id").asString(), r.get("rse").asString(), (String) u.get("source"),
                ((Number) u.get("used")).longValue(), (Long) u.get("free"), (Long) u.get("total"),
                (Long) u.get("files"), RseGraph.instant(u.get("updated_at")));
    }

    private static void nonNegative(String what, Long value) {
        if (value != null && value < 0) {
            throw new InvalidValueForKey("Usage '" + what + "' is " + value + "; it must be 0 or more");
        }
    }
}
