package org.stevedore.catalog.replica;

import java.util.ArrayList;
import java.util.HashMap;
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
        // The RSEs' own properties once per listing, not once per replica: a dataset of 10,000 files on one RSE read
        // the same four properties of the same node 10,000 times and sent them over the wire as often.
        RseCache rses = new RseCache(store);
        if (found.size() == 1 && "DATASET".equals(found.get(0).get("type").asString())) {
            // The common case, one dataset: its files are distinct already, one hop away.
            ByFile grouper = new ByFile(sink, rses);
            store.stream("""
                    MATCH (:Did {key: $key})-[:CONTAINS]->(f:Did)-[rel:REPLICA]->(r:Rse)
                    WHERE $all OR rel.state = 'AVAILABLE'
                    RETURN f.key AS key, f.bytes AS bytes, f.md5 AS md5, f.adler32 AS adler32, r.id AS rse_id,
                           rel.state AS state, rel.path AS path
                    """, Map.of("key", keys.get(0), "all", allStates), grouper);
            grouper.finish();
            return;
        }
        ByFile grouper = new ByFile(sink, rses);
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
                RETURN f.key AS key, f.bytes AS bytes, f.md5 AS md5, f.adler32 AS adler32, r.id AS rse_id,
                       rel.state AS state, rel.path AS path
                """, Map.of("keys", keys, "all", allStates), grouper);
        grouper.finish();
    }

    /** What a listing says of an RSE: its id, name, type and whether it is volatile. */
    private record RseInfo(String id, String rse, String type, boolean isVolatile) {
    }

    /**
     * The RSEs of a listing, read all at once before it starts (there are few); one created while the listing runs is
     * read when a replica on it first shows up.
     */
    private static final class RseCache {
        private static final String RETURN = " RETURN r.id AS id, r.rse AS rse, r.rse_type AS type, r.volatile AS volatile";
        private final Store store;
        private final Map<String, RseInfo> byId = new HashMap<>();

        RseCache(Store store) {
            this.store = store;
            store.read(tx -> tx.run("MATCH (r:Rse)" + RETURN).list(RseCache::info)).forEach(i -> byId.put(i.id(), i));
        }

        RseInfo get(String id) {
            return byId.computeIfAbsent(id, k -> store.read(tx -> tx.run("MATCH (r:Rse {id: $id})" + RETURN,
                    Map.of("id", k)).list(RseCache::info).get(0)));
        }

        private static RseInfo info(Record r) {
            return new RseInfo(r.get("id").asString(), r.get("rse").asString(), Values.str(r.get("type")),
                    Values.bool(r.get("volatile"), false));
        }
    }

    /**
     * Turns one row per replica into one {@link FileReplicas} per file. A file's rows come together (they are
     * expanded from the same row), so a file is complete when the next one starts: no collect() on the server, no sort.
     */
    private static final class ByFile implements Consumer<Record> {
        private final Consumer<FileReplicas> sink;
        private final RseCache rses;
        private String current;
        private Record first;
        private List<At> at = new ArrayList<>();

        ByFile(Consumer<FileReplicas> sink, RseCache rses) {
            this.sink = sink;
            this.rses = rses;
        }

        @Override
        public void accept(Record r) {
            String key = r.get("key").asString();
            if (!key.equals(current)) {
                finish();
                current = key;
                first = r;
            }
            RseInfo rse = rses.get(r.get("rse_id").asString());
            at.add(new At(rse.id(), rse.rse(), rse.type(), rse.isVolatile(), ReplicaState.valueOf(r.get("state").asString()),
                    Values.str(r.get("path"))));
        }

        void finish() {
            if (first != null) {
                // A file's key is its scope and name (DidRef#key): not read from the store a second time.
                DidRef did = DidRef.fromKey(current);
                sink.accept(new FileReplicas(did.scope(), did.name(), Values.lng(first.get("bytes")),
                        Values.str(first.get("md5")), Values.str(first.get("adler32")), at));
                at = new ArrayList<>();
                first = null;
            }
        }
    }
}
