package org.stevedore.catalog.rse;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.KeyNotFound;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.catalog.naming.Names;
import org.stevedore.catalog.store.Constraints;
import org.stevedore.catalog.store.Store;

/**
 * RSEs and their attributes. An RSE is a {@code (:Rse)} node whose properties are the Rucio keys of {@link RseKey}
 * plus {@code id}, {@code rse}, {@code created_at}/{@code updated_at} (epoch millis). Attributes live on the same
 * node as properties {@code attr:<key>}, so one node read yields an RSE with everything expression resolution needs.
 * Every write that changes an RSE or its attributes also increments the RSE catalog version in the same transaction
 * (see {@link #catalogVersion()}).
 */
public final class RseStore {

    private final Store store;
    private final Clock clock;

    public RseStore(Store store) {
        this(store, Clock.systemUTC());
    }

    public RseStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Adds an RSE with every setting at its default. */
    public Rse add(String rse) {
        return add(rse, Map.of());
    }

    /** Adds an RSE with the given settings (Rucio keys, see {@link RseKey}); the rest take their defaults. */
    public Rse add(String rse, Map<String, ?> settings) {
        Map<String, Map<String, ?>> one = new LinkedHashMap<>();
        one.put(rse, settings);
        return addAll(one).get(0);
    }

    /**
     * Adds several RSEs in one transaction, all or none. Each also gets the attribute {@code <NAME>=true}, as in
     * Rucio, so that a bare RSE name works as an RSE expression.
     */
    public List<Rse> addAll(Map<String, ? extends Map<String, ?>> settingsByRse) {
        long now = clock.millis();
        List<Map<String, Object>> rows = new ArrayList<>();
        settingsByRse.forEach((name, settings) -> {
            Names.rse(name);
            Map<String, Object> props = new HashMap<>();
            for (RseKey key : RseKey.values()) {
                props.put(key.key(), key.defaultValue());
            }
            props.putAll(RseKey.toProperties(settings));
            props.put("id", UUID.randomUUID().toString().replace("-", ""));
            props.put("rse", name);
            props.put("created_at", now);
            props.put("updated_at", now);
            props.put(RseGraph.ATTRIBUTE_PREFIX + name, true);
            rows.add(props);
        });
        List<String> names = List.copyOf(settingsByRse.keySet());
        return Constraints.refusingDuplicates(() -> store.write(tx -> {
            List<Record> existing = tx.run("UNWIND $names AS name MATCH (r:Rse {rse: name}) RETURN r.rse AS rse",
                    Map.of("names", names)).list();
            if (!existing.isEmpty()) {
                throw duplicate(existing.get(0).get("rse").asString());
            }
            List<Rse> added = new ArrayList<>();
            for (int from = 0; from < rows.size(); from += store.batchSize()) {
                List<Map<String, Object>> chunk = rows.subList(from, Math.min(rows.size(), from + store.batchSize()));
                tx.run("UNWIND $rows AS row CREATE (r:Rse) SET r = row RETURN r", Map.of("rows", chunk))
                        .forEachRemaining(rec -> added.add(RseGraph.toRse(rec.get("r").asMap())));
            }
            RseCatalogVersion.increment(tx);
            return added;
        }), () -> names.size() == 1 ? duplicate(names.get(0))
                : new Duplicate("One of the RSEs '" + String.join("', '", names) + "' already exists"));
    }

    public Rse get(String rse) {
        List<Record> rows = store.read(tx -> tx.run("MATCH (r:Rse {rse: $rse}) RETURN r",
                Map.of("rse", nonNull(rse))).list());
        if (rows.isEmpty()) {
            throw RseGraph.notFound(rse);
        }
        return RseGraph.toRse(rows.get(0).get("r").asMap());
    }

    public Rse getById(String id) {
        List<Record> rows = store.read(tx -> tx.run("MATCH (r:Rse {id: $id}) RETURN r",
                Map.of("id", nonNull(id))).list());
        if (rows.isEmpty()) {
            throw new RSENotFound("RSE with id '" + id + "' does not exist");
        }
        return RseGraph.toRse(rows.get(0).get("r").asMap());
    }

    /** Every RSE, sorted by name. */
    public List<Rse> list() {
        return store.read(tx -> tx.run("MATCH (r:Rse) RETURN r ORDER BY r.rse")
                .list(rec -> RseGraph.toRse(rec.get("r").asMap())));
    }

    /** Every RSE with its attributes, sorted by name, in one query: the input of RSE expression resolution. */
    public List<RseWithAttributes> listWithAttributes() {
        return store.read(tx -> tx.run("MATCH (r:Rse) RETURN r ORDER BY r.rse").list(rec -> {
            Map<String, Object> props = rec.get("r").asMap();
            return new RseWithAttributes(RseGraph.toRse(props), RseGraph.prefixed(props, RseGraph.ATTRIBUTE_PREFIX));
        }));
    }

    /**
     * An opaque token that changes with every committed write to RSEs, their settings or attributes, on any instance
     * sharing the graph; one small read. A cache keyed by it is never stale: a write that has returned has changed it.
     */
    public String catalogVersion() {
        return store.read(RseCatalogVersion::read);
    }

    /**
     * Changes the given settings (Rucio keys → values, see {@link RseKey}) and leaves the others alone; null clears an
     * optional setting. The whole map is validated before anything is written.
     */
    public Rse update(String rse, Map<String, ?> changes) {
        Map<String, Object> props = new HashMap<>(RseKey.toProperties(changes));
        props.put("updated_at", clock.millis());
        List<Record> rows = store.write(tx -> changed(tx, tx.run("MATCH (r:Rse {rse: $rse}) SET r += $props RETURN r",
                Map.of("rse", nonNull(rse), "props", props)).list()));
        if (rows.isEmpty()) {
            throw RseGraph.notFound(rse);
        }
        return RseGraph.toRse(rows.get(0).get("r").asMap());
    }

    /**
     * Deletes the RSE with its protocols, usage, distances, attributes, limits and transfer limits. Refused while any replica points at
     * it: the catalog would otherwise lose track of files that still exist on storage.
     */
    public void delete(String rse) {
        store.write(tx -> {
            List<Record> rows = tx.run("MATCH (r:Rse {rse: $rse}) RETURN EXISTS { ()-[:REPLICA]->(r) } AS used",
                    Map.of("rse", nonNull(rse))).list();
            if (rows.isEmpty()) {
                throw RseGraph.notFound(rse);
            }
            if (rows.get(0).get("used").asBoolean()) {
                throw new UnsupportedOperation("RSE '" + rse + "' still has replicas; remove them before deleting it");
            }
            tx.run("""
                    MATCH (r:Rse {rse: $rse})
                    OPTIONAL MATCH (r)-[:HAS_PROTOCOL|HAS_USAGE|HAS_TRANSFER_LIMIT]->(owned)
                    WITH r, collect(owned) AS owned
                    FOREACH (o IN owned | DETACH DELETE o)
                    DETACH DELETE r
                    """, Map.of("rse", rse)).consume();
            RseCatalogVersion.increment(tx);
            return null;
        });
    }

    /** The RSE's attributes, sorted by key. */
    public Map<String, Object> attributes(String rse) {
        List<Record> rows = store.read(tx -> tx.run("MATCH (r:Rse {rse: $rse}) RETURN properties(r) AS p",
                Map.of("rse", nonNull(rse))).list());
        if (rows.isEmpty()) {
            throw RseGraph.notFound(rse);
        }
        return RseGraph.prefixed(rows.get(0).get("p").asMap(), RseGraph.ATTRIBUTE_PREFIX);
    }

    /** Adds or overwrites one attribute. */
    public void setAttribute(String rse, String key, Object value) {
        Map<String, Object> one = new HashMap<>();
        one.put(key, value);
        setAttributes(rse, one);
    }

    /** Adds or overwrites several attributes in one statement. */
    public void setAttributes(String rse, Map<String, ?> attributes) {
        Map<String, Object> props = new HashMap<>();
        attributes.forEach((key, value) -> {
            Names.key("attribute key", key);
            props.put(RseGraph.ATTRIBUTE_PREFIX + key, RseGraph.attributeValue(key, value));
        });
        props.put("updated_at", clock.millis());
        List<Record> rows = store.write(tx -> changed(tx, tx.run("MATCH (r:Rse {rse: $rse}) SET r += $props RETURN r.id",
                Map.of("rse", nonNull(rse), "props", props)).list()));
        if (rows.isEmpty()) {
            throw RseGraph.notFound(rse);
        }
    }

    public void deleteAttribute(String rse, String key) {
        RseGraph.removeProperty(store, rse, RseGraph.ATTRIBUTE_PREFIX + key, Map.of("updated_at", clock.millis()),
                RseCatalogVersion::increment, () -> new KeyNotFound("RSE '" + rse + "' has no attribute '" + key + "'"));
    }

    /** Increments the catalog version when the statement touched an RSE; a refused write must leave it alone. */
    private static List<Record> changed(TransactionContext tx, List<Record> touched) {
        if (!touched.isEmpty()) {
            RseCatalogVersion.increment(tx);
        }
        return touched;
    }

    private static Duplicate duplicate(String rse) {
        return new Duplicate("RSE '" + rse + "' already exists");
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }
}
