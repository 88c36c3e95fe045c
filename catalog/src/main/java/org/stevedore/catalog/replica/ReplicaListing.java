package org.stevedore.catalog.replica;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.neo4j.driver.Record;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.error.DataIdentifierNotFound;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.replica.ReplicaStore.At;
import org.stevedore.catalog.replica.ReplicaStore.FileReplicas;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;

/**
 * The reads of replicas, {@link ReplicaStore#replicasOf} and {@link ReplicaStore#list}: the replicas of one file,
 * and the files under DIDs with their replicas, streamed and grouped per file as the driver fetches them.
 */
final class ReplicaListing {

    private final Store store;

    ReplicaListing(Store store) {
        this.store = store;
    }

    /** The replicas of one file. */
    List<Replica> replicasOf(DidRef file) {
        DidRef.of(file.scope(), file.name());
        return store.read(tx -> tx.run("""
                MATCH (d:Did {key: $key})-[rel:REPLICA]->(r:Rse)
                RETURN d.scope AS scope, d.name AS name, r.rse AS rse, r.id AS rse_id, rel, d.adler32 AS adler32, d.md5 AS md5
                ORDER BY r.rse
                """, Map.of("key", file.key())).list(ReplicaListing::replica));
    }

    private static Replica replica(Record r) {
        var rel = r.get("rel").asRelationship();
        return new Replica(r.get("scope").asString(), r.get("name").asString(), r.get("rse").asString(),
                r.get("rse_id").asString(), Values.lng(rel.get("bytes")), Values.str(r.get("adler32")),
                Values.str(r.get("md5")), Values.str(rel.get("path")), ReplicaState.valueOf(rel.get("state").asString()),
                rel.get("lock_cnt").asLong(0), Times.instant(rel.get("tombstone")), Times.instant(rel.get("accessed_at")),
                Times.instant(rel.get("created_at")), Times.instant(rel.get("updated_at")));
    }

    /** {@link ReplicaStore#list}. */
    void list(List<DidRef> didList, boolean allStates, Consumer<FileReplicas> sink) {
        if (didList == null || didList.isEmpty()) {
            throw new InvalidObject("No DIDs given to list replicas of");
        }
        List<String> keys = didList.stream().map(d -> DidRef.of(d.scope(), d.name()).key()).distinct().toList();
        List<org.neo4j.driver.Record> found = store.read(tx -> tx.run("""
                UNWIND $keys AS k OPTIONAL MATCH (d:Did {key: k}) RETURN k, d.did_type AS type
                """, Map.of("keys", keys)).list());
        for (org.neo4j.driver.Record r : found) {
            if (r.get("type").isNull()) {
                throw new DataIdentifierNotFound("Data identifier '" + r.get("k").asString() + "' not found");
            }
        }
        if (found.size() == 1 && "DATASET".equals(found.get(0).get("type").asString())) {
            // The common case, one dataset: its files are distinct already, one hop away.
            ByFile grouper = new ByFile(sink);
            store.stream("""
                    MATCH (:Did {key: $key})-[:CONTAINS]->(f:Did)-[rel:REPLICA]->(r:Rse)
                    WHERE $all OR rel.state = 'AVAILABLE'
                    RETURN f.key AS key, f.scope AS scope, f.name AS name, f.bytes AS bytes, f.md5 AS md5,
                           f.adler32 AS adler32, r.id AS rse_id, r.rse AS rse, r.rse_type AS type, r.volatile AS volatile,
                           rel.state AS state, rel.path AS path
                    """, Map.of("key", keys.get(0), "all", allStates), grouper);
            grouper.finish();
            return;
        }
        ByFile grouper = new ByFile(sink);
        store.stream("""
                UNWIND $keys AS k
                MATCH (d:Did {key: k})
                CALL (d) {
                  // A dataset's files are one hop away; only containers need the variable-length walk.
                  WITH d WHERE d.did_type = 'FILE' RETURN d AS f
                  UNION
                  WITH d WHERE d.did_type = 'DATASET' MATCH (d)-[:CONTAINS]->(f:Did) RETURN f
                  UNION
                  WITH d WHERE d.did_type = 'CONTAINER'
                  MATCH (d)-[:CONTAINS*1..]->(:Did {did_type: 'DATASET'})-[:CONTAINS]->(f:Did) RETURN f
                }
                WITH DISTINCT f
                MATCH (f)-[rel:REPLICA]->(r:Rse)
                WHERE $all OR rel.state = 'AVAILABLE'
                RETURN f.key AS key, f.scope AS scope, f.name AS name, f.bytes AS bytes, f.md5 AS md5,
                       f.adler32 AS adler32, r.id AS rse_id, r.rse AS rse, r.rse_type AS type, r.volatile AS volatile,
                       rel.state AS state, rel.path AS path
                """, Map.of("keys", keys, "all", allStates), grouper);
        grouper.finish();
    }

    /**
     * Turns one row per replica into one {@link FileReplicas} per file. A file's rows come together (they are
     * expanded from the same row), so a file is complete when the next one starts: no collect() on the server, no sort.
     */
    private static final class ByFile implements Consumer<Record> {
        private final Consumer<FileReplicas> sink;
        private String current;
        private Record first;
        private List<At> at = new ArrayList<>();

        ByFile(Consumer<FileReplicas> sink) {
            this.sink = sink;
        }

        @Override
        public void accept(Record r) {
            String key = r.get("key").asString();
            if (!key.equals(current)) {
                finish();
                current = key;
                first = r;
            }
            at.add(new At(r.get("rse_id").asString(), r.get("rse").asString(), Values.str(r.get("type")),
                    Values.bool(r.get("volatile"), false), ReplicaState.valueOf(r.get("state").asString()),
                    Values.str(r.get("path"))));
        }

        void finish() {
            if (first != null) {
                sink.accept(new FileReplicas(first.get("scope").asString(), first.get("name").asString(),
                        Values.lng(first.get("bytes")), Values.str(first.get("md5")), Values.str(first.get("adler32")),
                        at));
                at = new ArrayList<>();
                first = null;
            }
        }
    }
}
