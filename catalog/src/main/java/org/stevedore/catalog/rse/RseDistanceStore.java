package org.stevedore.catalog.rse;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.InvalidValueForKey;
import org.stevedore.catalog.error.KeyNotFound;
import org.stevedore.catalog.store.Store;

/**
 * Distances between RSEs: {@code (src:Rse)-[:DISTANCE {distance, created_at, updated_at}]->(dst:Rse)}, at most one
 * per ordered pair, timestamps in epoch millis.
 */
public final class RseDistanceStore {

    private static final String RETURN = """
             RETURN s.id AS sid, s.rse AS src, d.id AS did, d.rse AS dst, x.distance AS distance,
                    x.created_at AS created, x.updated_at AS updated""";

    private final Store store;
    private final Clock clock;

    public RseDistanceStore(Store store) {
        this(store, Clock.systemUTC());
    }

    public RseDistanceStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Adds the distance from {@code source} to {@code dest}; Duplicate when the pair already has one. */
    public RseDistance add(String source, String dest, int distance) {
        check(distance);
        return store.write(tx -> {
            requireBoth(tx, source, dest);
            if (find(tx, source, dest).isPresent()) {
                throw new Duplicate("Distance from RSE '" + source + "' to RSE '" + dest + "' already exists");
            }
            long now = clock.millis();
            return toDistance(tx.run("""
                    MATCH (s:Rse {rse: $src}), (d:Rse {rse: $dst})
                    CREATE (s)-[x:DISTANCE {distance: $distance, created_at: $now, updated_at: $now}]->(d)
                    """ + RETURN, Map.of("src", source, "dst", dest, "distance", distance, "now", now)).single());
        });
    }

    /** Changes an existing distance; KeyNotFound when the pair has none. */
    public RseDistance update(String source, String dest, int distance) {
        check(distance);
        return store.write(tx -> {
            requireBoth(tx, source, dest);
            List<Record> rows = tx.run("""
                    MATCH (s:Rse {rse: $src})-[x:DISTANCE]->(d:Rse {rse: $dst})
                    SET x.distance = $distance, x.updated_at = $now
                    """ + RETURN, Map.of("src", source, "dst", dest, "distance", distance, "now", clock.millis())).list();
            if (rows.isEmpty()) {
                throw missing(source, dest);
            }
            return toDistance(rows.get(0));
        });
    }

    /**
     * Adds or changes the distances from {@code source} to each destination in one statement; all destinations must
     * exist or nothing is written.
     */
    public void setAll(String source, Map<String, Integer> distanceByDest) {
        List<Map<String, Object>> rows = new ArrayList<>();
        distanceByDest.forEach((dest, distance) -> {
            check(distance);
            rows.add(Map.of("dst", dest, "distance", distance));
        });
        long now = clock.millis();
        store.write(tx -> {
            RseGraph.requireId(tx, source);
            Set<String> known = new HashSet<>(tx.run("UNWIND $names AS n MATCH (d:Rse {rse: n}) RETURN d.rse AS rse",
                    Map.of("names", List.copyOf(distanceByDest.keySet()))).list(r -> r.get("rse").asString()));
            for (String dest : distanceByDest.keySet()) {
                if (!known.contains(dest)) {
                    throw RseGraph.notFound(dest);
                }
            }
            tx.run("""
                    MATCH (s:Rse {rse: $src})
                    UNWIND $rows AS row
                    MATCH (d:Rse {rse: row.dst})
                    MERGE (s)-[x:DISTANCE]->(d)
                      ON CREATE SET x.created_at = $now
                    SET x.distance = row.distance, x.updated_at = $now
                    """, Map.of("src", source, "rows", rows, "now", now)).consume();
            return null;
        });
    }

    /** The distance from {@code source} to {@code dest}, empty when none is set. */
    public Optional<RseDistance> get(String source, String dest) {
        return store.read(tx -> {
            requireBoth(tx, source, dest);
            return find(tx, source, dest);
        });
    }

    /** Every distance from {@code source}, sorted by distance, then destination name. */
    public List<RseDistance> listFrom(String source) {
        return store.read(tx -> {
            RseGraph.requireId(tx, source);
            return tx.run("MATCH (s:Rse {rse: $src})-[x:DISTANCE]->(d:Rse)" + RETURN + " ORDER BY distance, dst",
                    Map.of("src", source)).list(RseDistanceStore::toDistance);
        });
    }

    public void delete(String source, String dest) {
        store.write(tx -> {
            requireBoth(tx, source, dest);
            int deleted = tx.run("""
                    MATCH (:Rse {rse: $src})-[x:DISTANCE]->(:Rse {rse: $dst})
                    DELETE x
                    RETURN count(*) AS deleted
                    """, Map.of("src", source, "dst", dest)).single().get("deleted").asInt();
            if (deleted == 0) {
                throw missing(source, dest);
            }
            return null;
        });
    }

    private static Optional<RseDistance> find(TransactionContext tx, String source, String dest) {
        List<Record> rows = tx.run("MATCH (s:Rse {rse: $src})-[x:DISTANCE]->(d:Rse {rse: $dst})" + RETURN,
                Map.of("src", source, "dst", dest)).list();
        return rows.isEmpty() ? Optional.empty() : Optional.of(toDistance(rows.get(0)));
    }

    private static void requireBoth(TransactionContext tx, String source, String dest) {
        RseGraph.requireId(tx, source);
        RseGraph.requireId(tx, dest);
    }

    private static RseDistance toDistance(Record r) {
        return new RseDistance(r.get("sid").asString(), r.get("src").asString(), r.get("did").asString(),
                r.get("dst").asString(), r.get("distance").asInt(), RseGraph.instant(r.get("created").asObject()),
                RseGraph.instant(r.get("updated").asObject()));
    }

    private static void check(Integer distance) {
        if (distance == null || distance < 0) {
            throw new InvalidValueForKey("Invalid distance " + distance + ": it must be 0 or more");
        }
    }

    private static KeyNotFound missing(String source, String dest) {
        return new KeyNotFound("No distance from RSE '" + source + "' to RSE '" + dest + "'");
    }
}
