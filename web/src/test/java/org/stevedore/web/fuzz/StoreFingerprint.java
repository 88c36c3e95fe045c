package org.stevedore.web.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.neo4j.driver.Record;
import org.stevedore.catalog.store.Store;

/**
 * What the store holds, in a few numbers: nodes per label, relationships per type, and an order-independent hash of
 * every node's and relationship's properties. Two equal fingerprints mean nothing was written between them. Left
 * out, as in {@code ApiTest.graphSize()}: what background workers write on their own schedule (heartbeats, the
 * updated-DID queue, outbox events and positions), and the {@code storage} usage figure the reaper measures on posix
 * RSEs every cycle.
 */
record StoreFingerprint(Map<String, Long> counts, long hash) {

    private static final String KEPT = "NOT n:Heartbeat AND NOT n:UpdatedDid AND NOT n:Event AND NOT n:OutboxPosition"
            + " AND NOT (n:RseUsage AND n.source = 'storage')";

    static StoreFingerprint of(Store store) {
        return store.read(tx -> {
            Map<String, Long> counts = new TreeMap<>();
            long hash = 0;
            for (Record r : tx.run("MATCH (n) WHERE " + KEPT + " RETURN labels(n) AS l, properties(n) AS p").list()) {
                String labels = String.join(":", r.get("l").asList(v -> v.asString()).stream().sorted().toList());
                counts.merge(labels, 1L, Long::sum);
                hash += fnv(labels + new TreeMap<>(r.get("p").asMap()));
            }
            for (Record r : tx.run("MATCH (n)-[x]->(m) WHERE " + KEPT + " AND NOT (m:Heartbeat OR m:UpdatedDid OR "
                    + "m:Event OR m:OutboxPosition OR (m:RseUsage AND m.source = 'storage')) RETURN type(x) AS t, properties(x) AS p, properties(n) AS a, "
                    + "properties(m) AS b").list()) {
                String type = "-" + r.get("t").asString() + "->";
                counts.merge(type, 1L, Long::sum);
                hash += fnv(type + new TreeMap<>(r.get("p").asMap()) + new TreeMap<>(r.get("a").asMap())
                        + new TreeMap<>(r.get("b").asMap()));
            }
            return new StoreFingerprint(counts, hash);
        });
    }

    /** FNV-1a, 64 bits: enough to tell a changed property from an unchanged one. */
    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** What changed, for a failure message. */
    String differenceFrom(StoreFingerprint before) {
        Map<String, String> diff = new TreeMap<>();
        before.counts.forEach((k, v) -> {
            if (!v.equals(counts.get(k))) {
                diff.put(k, v + " -> " + counts.getOrDefault(k, 0L));
            }
        });
        counts.forEach((k, v) -> {
            if (!before.counts.containsKey(k)) {
                diff.put(k, "0 -> " + v);
            }
        });
        return diff.isEmpty() ? "same counts, changed properties" : diff.toString();
    }
}
