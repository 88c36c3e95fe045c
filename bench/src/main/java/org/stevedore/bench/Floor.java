package org.stevedore.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stevedore.catalog.store.Store;

/**
 * {@code floor}: what Neo4j's record format costs per element, the numbers under the floor of the rule path. N
 * elements of each kind are written as bare batched {@code UNWIND} (one transaction per store batch), the kinds
 * interleaved batch by batch so the machine's drift lands on all alike: bare nodes, nodes with eight properties,
 * nodes with one property under a uniqueness constraint, relationships to one dense node (as replicas to their RSE)
 * and the same with seven properties, and with one indexed property. Per-element costs are differences of those
 * (microseconds, commit included); {@code lock_replica_request_us} projects today's layout from them (two
 * relationships of seven properties, one node of ten, seven index entries) next to the measured raw write of that
 * layout, and {@code lean_us} the layout with the request folded into its lock (no node, its four index entries
 * down to one, three more properties on the lock).
 */
final class Floor {

    private static final List<String> KINDS = List.of("node", "node8", "node1u", "node1", "rel", "rel7", "rel1i");

    private final Options options;

    Floor(Options options) {
        this.options = options;
    }

    Map<String, Object> run() {
        try (TempStore temp = TempStore.open(options, "floor")) {
            Store store = temp.store();
            int n = options.files();
            int batch = store.batchSize();
            store.runAutoCommit("CREATE CONSTRAINT floor_u IF NOT EXISTS FOR (x:FloorU) REQUIRE x.k IS UNIQUE");
            store.runAutoCommit("CREATE INDEX floor_ri IF NOT EXISTS FOR ()-[r:FLOOR_RI]-() ON (r.k)");
            store.runAutoCommit("CALL db.awaitIndexes(300)");
            store.write(tx -> tx.run("CREATE (:FloorHub)").consume());
            // The files the relationships start from, written first and untimed.
            for (int from = 0; from < n; from += batch) {
                List<Long> ids = ids(from, Math.min(n, from + batch));
                store.write(tx -> tx.run("UNWIND $ids AS i CREATE (:FloorFile {i: i})", Map.of("ids", ids)).consume());
            }
            store.runAutoCommit("CREATE INDEX floor_file IF NOT EXISTS FOR (f:FloorFile) ON (f.i)");
            store.runAutoCommit("CALL db.awaitIndexes(300)");
            Map<String, Long> nanos = new LinkedHashMap<>();
            KINDS.forEach(k -> nanos.put(k, 0L));
            for (int from = 0, round = 0; from < n; from += batch, round++) {
                List<Long> ids = ids(from, Math.min(n, from + batch));
                List<String> order = new ArrayList<>(KINDS);
                Collections.rotate(order, round);
                for (String kind : order) {
                    String cypher = cypher(kind);
                    long t0 = System.nanoTime();
                    store.write(tx -> tx.run(cypher, Map.of("ids", ids)).consume());
                    nanos.merge(kind, System.nanoTime() - t0, Long::sum);
                }
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("scenario", Options.FLOOR);
            f.put("elements", n);
            Map<String, Double> us = new LinkedHashMap<>();
            nanos.forEach((k, v) -> us.put(k, v / 1e3 / n));
            double node = us.get("node");
            double nodeProperty = (us.get("node8") - node) / 8;
            double uniqueEntry = us.get("node1u") - us.get("node1");
            double rel = us.get("rel");
            double relProperty = (us.get("rel7") - rel) / 7;
            double relIndexEntry = us.get("rel1i") - (rel + relProperty);
            f.put("us_per_element", round(us));
            f.put("node_us", round(node));
            f.put("node_property_us", round(nodeProperty));
            f.put("node_index_entry_us", round(uniqueEntry));
            f.put("relationship_us", round(rel));
            f.put("relationship_property_us", round(relProperty));
            f.put("relationship_index_entry_us", round(relIndexEntry));
            // Today: LOCK and REPLICA relationships of seven properties each (one index entry each: lock_rse,
            // replica_state), a Request node of ten properties with four index entries (key, state, dest+state,
            // claim order).
            double today = 2 * (rel + 7 * relProperty + relIndexEntry) + node + 10 * nodeProperty + 4 * uniqueEntry;
            // Lean: the request folded into its lock: three more lock properties (priority, activity, bucket), one
            // index entry for the claim order instead of the node and its four.
            double lean = 2 * (rel + 7 * relProperty + relIndexEntry) + 3 * relProperty + relIndexEntry;
            f.put("lock_replica_request_us", round(today));
            f.put("lean_us", round(lean));
            f.put("load_average", CatalogIngest.loadAverage());
            return f;
        }
    }

    private static String cypher(String kind) {
        return switch (kind) {
            case "node" -> "UNWIND $ids AS i CREATE (:FloorN)";
            case "node8" -> """
                    UNWIND $ids AS i CREATE (:FloorP {a: i, b: 'QUEUED', c: 'default', d: 3, e: i * 7, f: 1700000000000,
                                                      g: 'abcdef0123456789abcdef0123456789', h: i % 1024})""";
            case "node1u" -> "UNWIND $ids AS i CREATE (:FloorU {k: 'mc16_13tev:bench.file.' + i})";
            case "node1" -> "UNWIND $ids AS i CREATE (:FloorV {k: 'mc16_13tev:bench.file.' + i})";
            case "rel" -> """
                    MATCH (h:FloorHub) UNWIND $ids AS i MATCH (f:FloorFile {i: i}) CREATE (f)-[:FLOOR_R]->(h)""";
            case "rel7" -> """
                    MATCH (h:FloorHub) UNWIND $ids AS i MATCH (f:FloorFile {i: i})
                    CREATE (f)-[:FLOOR_R7 {a: 'COPYING', b: i * 7, c: 'abcdef0123456789abcdef0123456789', d: 1,
                                           e: 1700000000000, f: 1700000000000, g: 'bench.file.' + i}]->(h)""";
            case "rel1i" -> """
                    MATCH (h:FloorHub) UNWIND $ids AS i MATCH (f:FloorFile {i: i})
                    CREATE (f)-[:FLOOR_RI {k: 'COPYING'}]->(h)""";
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static List<Long> ids(int from, int to) {
        List<Long> ids = new ArrayList<>(to - from);
        for (long i = from; i < to; i++) {
            ids.add(i);
        }
        return ids;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static Map<String, Double> round(Map<String, Double> m) {
        Map<String, Double> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, round(v)));
        return out;
    }
}
