package org.stevedore.rules.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;

/** What rule evaluation reads: the files under a DID with their datasets, and where their replicas are. */
public final class RuleInputs {

    /** A file under a rule's DID; {@code dataset} is the dataset it was reached through (the file itself for a file rule). */
    public record FileInfo(String key, String scope, String name, long bytes, String dataset) {
    }

    /** A replica of a file, as seen by evaluation. */
    public record ReplicaInfo(String rseId, String state) {
    }

    private final Store store;

    public RuleInputs(Store store) {
        this.store = store;
    }

    /**
     * The files under a DID, each once per dataset it is reached through (a file in two datasets of one container
     * belongs to both groups under DATASET grouping, as in Rucio).
     */
    public List<FileInfo> files(DidRef did, DidType type) {
        return files(did, type, null);
    }

    /**
     * The files under the DID {@code $key} as {@code f}, each with the {@code dataset} it is reached through (once per
     * dataset of a container; a file's own key for a FILE rule).
     */
    static String match(DidType type) {
        return switch (type) {
            case FILE -> "MATCH (f:Did {key: $key}) WITH f, f.key AS dataset";
            case DATASET -> "MATCH (d:Did {key: $key})-[:CONTAINS]->(f:Did) WITH f, d.key AS dataset";
            case CONTAINER -> "MATCH (:Did {key: $key})-[:CONTAINS*1..]->(d:Did {did_type: 'DATASET'}) WITH DISTINCT d "
                    + "MATCH (d)-[:CONTAINS]->(f:Did) WITH f, d.key AS dataset";
        };
    }

    /**
     * {@link #files(DidRef, DidType)}, also filling {@code replicas} (when not null) with where each file's replicas
     * are, in the same pass over the store.
     */
    public List<FileInfo> files(DidRef did, DidType type, Map<String, List<ReplicaInfo>> replicas) {
        String match = match(type);
        String tail = replicas == null
                ? " RETURN f.key AS key, f.scope AS scope, f.name AS name, f.bytes AS bytes, dataset"
                : " CALL (f) { OPTIONAL MATCH (f)-[r:REPLICA]->(rse:Rse) RETURN collect([rse.id, r.state]) AS replicas }"
                + " RETURN f.key AS key, f.scope AS scope, f.name AS name, f.bytes AS bytes, dataset, replicas";
        List<FileInfo> files = new ArrayList<>();
        store.stream(match + tail, Map.of("key", did.key()), r -> {
            String key = r.get("key").asString();
            files.add(new FileInfo(key, r.get("scope").asString(), r.get("name").asString(), r.get("bytes").asLong(0),
                    Values.str(r.get("dataset"))));
            if (replicas != null && !replicas.containsKey(key)) {
                List<ReplicaInfo> found = new ArrayList<>(2);
                for (var pair : r.get("replicas").values()) {
                    if (!pair.get(0).isNull()) {
                        found.add(new ReplicaInfo(pair.get(0).asString(), pair.get(1).asString()));
                    }
                }
                replicas.put(key, found);
            }
        });
        return files;
    }

    /** The replicas of the given files, by file key. */
    public Map<String, List<ReplicaInfo>> replicas(List<String> fileKeys) {
        Map<String, List<ReplicaInfo>> out = new HashMap<>();
        int batch = store.batchSize();
        for (int from = 0; from < fileKeys.size(); from += batch) {
            List<String> keys = fileKeys.subList(from, Math.min(fileKeys.size(), from + batch));
            store.stream("""
                    UNWIND $keys AS k
                    MATCH (:Did {key: k})-[r:REPLICA]->(rse:Rse)
                    RETURN k, rse.id AS rse, r.state AS state
                    """, Map.of("keys", keys), r -> out.computeIfAbsent(r.get("k").asString(), x -> new ArrayList<>(2))
                    .add(new ReplicaInfo(r.get("rse").asString(), r.get("state").asString())));
        }
        return out;
    }

    /**
     * The files under the DIDs just attached to (or detached from) {@code parentKey}, each with the dataset it sits
     * in: the parent itself for files, the dataset for datasets, and the datasets on the way down for containers.
     * With {@code stillAttached}, children no longer in the parent are left out: an attachment whose re-evaluation
     * comes after a later detachment (queued in the same millisecond, or by another instance) must not lock again
     * what has left.
     */
    public List<FileInfo> filesUnder(List<String> childKeys, String parentKey, boolean stillAttached) {
        List<FileInfo> files = new ArrayList<>();
        store.stream("""
                UNWIND $keys AS k
                MATCH (c:Did {key: k})
                WITH c WHERE NOT $attached OR EXISTS { MATCH (:Did {key: $parent})-[:CONTAINS]->(c) }
                CALL (c) {
                  WITH c WHERE c.did_type = 'FILE'
                  RETURN c AS f, $parent AS dataset
                  UNION
                  MATCH (c)-[:CONTAINS]->(f:Did) WHERE c.did_type = 'DATASET'
                  RETURN f, c.key AS dataset
                  UNION
                  MATCH (c)-[:CONTAINS*1..]->(d:Did {did_type: 'DATASET'})-[:CONTAINS]->(f:Did)
                  RETURN f, d.key AS dataset
                }
                RETURN DISTINCT f.key AS key, f.scope AS scope, f.name AS name, f.bytes AS bytes, dataset
                """, Map.of("keys", childKeys, "parent", parentKey, "attached", stillAttached), r -> files.add(new FileInfo(r.get("key").asString(),
                r.get("scope").asString(), r.get("name").asString(), r.get("bytes").asLong(0),
                Values.str(r.get("dataset")))));
        return files;
    }
}
