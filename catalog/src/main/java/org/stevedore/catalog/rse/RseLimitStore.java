package org.stevedore.catalog.rse;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.neo4j.driver.Record;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.KeyNotFound;
import org.stevedore.catalog.naming.Names;
import org.stevedore.catalog.store.Store;

/**
 * Named numeric limits of an RSE ({@code MinFreeSpace}, {@code MaxBeingDeletedFiles}, ...), stored as properties
 * {@code limit:<name>} of the {@code :Rse} node: few per RSE, always read together.
 */
public final class RseLimitStore {

    private final Store store;

    public RseLimitStore(Store store) {
        this.store = store;
    }

    /** Sets (adds or overwrites) one limit. */
    public void set(String rse, String name, long value) {
        setAll(rse, Map.of(name, value));
    }

    /** Sets several limits in one statement. */
    public void setAll(String rse, Map<String, Long> limits) {
        Map<String, Object> props = new HashMap<>();
        limits.forEach((name, value) -> {
            Names.key("limit name", name);
            if (value == null) {
                throw new InvalidObject("Limit '" + name + "' needs a value");
            }
            if (value < 0) {
                throw new InvalidObject("Limit '" + name + "' must not be negative, got " + value);
            }
            props.put(RseGraph.LIMIT_PREFIX + name, value);
        });
        List<Record> rows = store.write(tx -> tx.run("MATCH (r:Rse {rse: $rse}) SET r += $props RETURN r.id",
                Map.of("rse", rse == null ? "" : rse, "props", props)).list());
        if (rows.isEmpty()) {
            throw RseGraph.notFound(rse);
        }
    }

    /** The RSE's limits, sorted by name. */
    public Map<String, Long> list(String rse) {
        List<Record> rows = store.read(tx -> tx.run("MATCH (r:Rse {rse: $rse}) RETURN properties(r) AS p",
                Map.of("rse", rse == null ? "" : rse)).list());
        if (rows.isEmpty()) {
            throw RseGraph.notFound(rse);
        }
        Map<String, Long> limits = new TreeMap<>();
        RseGraph.prefixed(rows.get(0).get("p").asMap(), RseGraph.LIMIT_PREFIX)
                .forEach((name, value) -> limits.put(name, ((Number) value).longValue()));
        return limits;
    }

    public void delete(String rse, String name) {
        // Limits take no part in RSE expressions, so the RSE catalog version stays as it is.
        RseGraph.removeProperty(store, rse, RseGraph.LIMIT_PREFIX + name, Map.of(), tx -> { },
                () -> new KeyNotFound("RSE '" + rse + "' has no limit '" + name + "'"));
    }
}
