package org.stevedore.catalog.replica;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.Checksums;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.error.DataIdentifierNotFound;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.FileConsistencyMismatch;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.error.ReplicaNotFound;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;

/**
 * Replicas: {@code (:Did)-[:REPLICA {state, bytes, path, lock_cnt, tombstone, accessed_at, ...}]->(:Rse)}. A
 * replica is a relationship rather than a node so that registering a file with its replica costs one node and one
 * relationship; the reaper's and the poller's lookups use the relationship indexes on state and tombstone.
 */
public final class ReplicaStore {

    private final Store store;
    private final Clock clock;
    private final DidStore dids;
    private final AttachmentStore attachments;
    private final ReplicaAvailability availability;

    /** A store whose registrations of AVAILABLE replicas are written to the outbox but announced to nobody. */
    public ReplicaStore(Store store, Clock clock, DidStore dids, AttachmentStore attachments) {
        this(store, clock, dids, attachments, new ReplicaAvailability());
    }

    /**
     * @param availability hears, after the commit of {@link #add}, of the files registered with AVAILABLE replicas
     *                     (the release gate's wake-up); the same is written as a {@code REPLICA_AVAILABLE} outbox event
     *                     in the registration's transaction
     */
    public ReplicaStore(Store store, Clock clock, DidStore dids, AttachmentStore attachments,
                        ReplicaAvailability availability) {
        this.store = store;
        this.clock = clock;
        this.dids = dids;
        this.attachments = attachments;
        this.availability = availability;
    }

    /** Replicas made AVAILABLE by one registration: the files, and the RSE they are on. */
    public record MadeAvailable(List<String> fileKeys, String rseId) {
        public static final MadeAvailable NONE = new MadeAvailable(List.of(), null);

        public boolean isEmpty() {
            return fileKeys.isEmpty();
        }
    }

    /** The RSE facts replica registration needs; {@code prefixes} are its protocols' path prefixes. */
    private record Target(String id, String rse, boolean deterministic, boolean writable, String algorithm,
                          List<String> prefixes) {
    }

    /** A file and its replicas, as listed. */
    public record FileReplicas(String scope, String name, Long bytes, String md5, String adler32, List<At> replicas) {
    }

    /** One replica of a listed file. */
    public record At(String rseId, String rse, String rseType, boolean isVolatile, ReplicaState state, String path) {
    }

    /**
     * Registers replicas on one RSE, all or none, registering the files that do not exist yet (owned by
     * {@code account}) and, when {@code dataset} is given, attaching every file to it in the same transaction.
     */
    public void add(String rse, List<NewReplica> files, String account, boolean ignoreAvailability, DidRef dataset) {
        announce(store.write(tx -> addIn(tx, rse, files, account, ignoreAvailability, dataset)));
    }

    /**
     * Tells the in-process listeners, after the commit of a caller's transaction that ran {@link #addIn}, of the
     * replicas it made AVAILABLE.
     */
    public void announce(MadeAvailable made) {
        if (!made.isEmpty()) {
            availability.announce(made.fileKeys(), List.of(made.rseId()));
        }
    }

    /**
     * {@link #add} inside the caller's transaction, for registrations that write more than replicas in one go (the
     * workload bridge's job outputs). Validates the list before writing anything. Writes the {@code
     * REPLICA_AVAILABLE} outbox event of the AVAILABLE replicas in the transaction; the caller hands the answer to
     * {@link #announce} after its commit.
     */
    public MadeAvailable addIn(TransactionContext tx, String rse, List<NewReplica> files, String account,
                               boolean ignoreAvailability, DidRef dataset) {
        validate(files, dataset);
        Target target = target(tx, rse);
        if (!target.writable() && !ignoreAvailability) {
            throw new UnsupportedOperation("RSE '" + rse + "' is not available for writing");
        }
        if (dataset != null && AttachmentStore.requireOpenCollection(tx, dataset) != DidType.DATASET) {
            throw new UnsupportedOperation("Cannot attach files to container '" + dataset
                    + "': containers contain only datasets and containers");
        }
        long now = clock.millis();
        Created created = addIn(tx, target, files, account, dataset, now);
        if (dataset != null) {
            if (!created.keys().isEmpty()) {
                attachments.recordCreatedContent(tx, dataset, created.keys(), created.bytes(), now);
            }
            if (created.keys().size() < files.size()) {
                Set<String> fresh = new HashSet<>(created.keys());
                List<DidRef> existing = files.stream().map(f -> new DidRef(f.scope(), f.name()))
                        .filter(r -> !fresh.contains(r.key())).toList();
                attachments.attachIn(tx, new AttachmentStore.Attachment(dataset, existing), true);
            }
        }
        List<String> available = files.stream()
                .filter(f -> f.state() == null || f.state() == ReplicaState.AVAILABLE)
                .map(f -> f.scope() + ":" + f.name()).toList();
        if (available.isEmpty()) {
            return MadeAvailable.NONE;
        }
        // One event per batch of files keeps each event's payload bounded on big registrations.
        int batch = store.batchSize();
        for (int from = 0; from < available.size(); from += batch) {
            Events.emit(tx, Events.REPLICA_AVAILABLE, Map.of("files", available.subList(from,
                    Math.min(available.size(), from + batch)), "rse_ids", List.of(target.id())), now);
        }
        return new MadeAvailable(available, target.id());
    }

    private static void validate(List<NewReplica> files, DidRef dataset) {
        if (files == null || files.isEmpty()) {
            throw new InvalidObject("No replicas given");
        }
        if (dataset != null) {
            DidRef.of(dataset.scope(), dataset.name());
        }
        Set<String> seen = new HashSet<>(files.size() * 2);
        for (NewReplica f : files) {
            if (f == null) {
                throw new InvalidObject("A replica of the request is null");
            }
            DidRef ref = DidRef.of(f.scope(), f.name());
            if (!seen.add(ref.key())) {
                throw new Duplicate("Replica of '" + ref + "' appears twice in the request");
            }
            if (f.bytes() != null && f.bytes() < 0) {
                throw new InvalidObject("File " + ref + " has a negative size: " + f.bytes());
            }
        }
    }

    /** The files a registration created, and their total size. */
    private record Created(List<String> keys, long bytes) {
    }

    /**
     * Registers the replicas; files that do not exist yet are created in the same statement as their replica and,
     * with a dataset, their {@code CONTAINS} relationship (they cannot be attached anywhere yet, so no lookup is
     * needed). Answers the files created.
     */
    private Created addIn(TransactionContext tx, Target target, List<NewReplica> files, String account, DidRef dataset,
                          long now) {
        int batch = store.batchSize();
        // What exists already: the file, its size and checksum, and whether it is already on this RSE.
        Map<String, Record> existing = new HashMap<>();
        for (int from = 0; from < files.size(); from += batch) {
            List<String> keys = files.subList(from, Math.min(files.size(), from + batch)).stream()
                    .map(f -> f.scope() + ":" + f.name()).toList();
            tx.run("""
                    UNWIND $keys AS k
                    MATCH (d:Did {key: k})
                    RETURN k, d.did_type AS type, d.bytes AS bytes, d.adler32 AS adler32,
                      EXISTS { (d)-[:REPLICA]->(:Rse {id: $rse}) } AS present
                    """, Map.of("keys", keys, "rse", target.id())).list().forEach(r -> existing.put(r.get("k").asString(), r));
        }
        List<NewDid> newFiles = new ArrayList<>();
        List<Map<String, Object>> newRows = new ArrayList<>();
        List<Map<String, Object>> oldRows = new ArrayList<>();
        for (NewReplica f : files) {
            String key = f.scope() + ":" + f.name();
            String adler32 = Checksums.adler32(f.adler32(), key);
            Record found = existing.get(key);
            Map<String, Object> rel = replicaRow(target, f, key, now);
            if (found == null) {
                if (f.bytes() == null) {
                    throw new InvalidObject("File " + key + " is new: its size (bytes) is required");
                }
                newFiles.add(new NewDid(f.scope(), f.name(), DidType.FILE, account, f.bytes(), adler32, f.md5(),
                        f.guid(), null, false, null, f.meta()));
                newRows.add(rel);
                continue;
            }
            if (!"FILE".equals(found.get("type").asString())) {
                throw new UnsupportedOperation("Data identifier '" + key + "' is a " + found.get("type").asString().toLowerCase()
                        + "; only files have replicas");
            }
            if (found.get("present").asBoolean()) {
                throw new Duplicate("Replica of '" + key + "' already exists on RSE '" + target.rse() + "'");
            }
            Long knownBytes = Values.lng(found.get("bytes"));
            if (f.bytes() != null && knownBytes != null && !knownBytes.equals(f.bytes())) {
                throw new FileConsistencyMismatch("Size of '" + key + "' is " + knownBytes + " bytes, not " + f.bytes());
            }
            String knownAdler = Values.str(found.get("adler32"));
            if (adler32 != null && knownAdler != null && !knownAdler.equals(adler32)) {
                throw new FileConsistencyMismatch("Adler32 of '" + key + "' is " + knownAdler + ", not " + adler32);
            }
            rel.put("bytes", knownBytes);
            oldRows.add(rel);
        }
        if (!newFiles.isEmpty()) {
            List<Map<String, Object>> didRows = dids.rows(newFiles);
            DidStore.requireScopes(tx, didRows);
            for (int i = 0; i < didRows.size(); i++) {
                didRows.get(i).put("updated_at", now);
                newRows.get(i).put("did", didRows.get(i));
            }
            String create = dataset == null ? """
                    MATCH (r:Rse {id: $rse})
                    UNWIND $rows AS row
                    CREATE (d:Did)-[rel:REPLICA]->(r)
                    SET d = row.did, rel = row.rel
                    """ : """
                    MATCH (r:Rse {id: $rse})
                    MATCH (p:Did {key: $parent})
                    UNWIND $rows AS row
                    CREATE (p)-[:CONTAINS {created_at: $now}]->(d:Did)-[rel:REPLICA]->(r)
                    SET d = row.did, rel = row.rel
                    """;
            for (int from = 0; from < newRows.size(); from += batch) {
                Map<String, Object> params = new HashMap<>();
                params.put("rse", target.id());
                params.put("rows", newRows.subList(from, Math.min(newRows.size(), from + batch)));
                params.put("parent", dataset == null ? null : dataset.key());
                params.put("now", now);
                tx.run(create, params).consume();
            }
        }
        for (int from = 0; from < oldRows.size(); from += batch) {
            tx.run("""
                    MATCH (r:Rse {id: $rse})
                    UNWIND $rows AS row
                    MATCH (d:Did {key: row.key})
                    CREATE (d)-[rel:REPLICA]->(r)
                    SET rel = row.rel
                    """, Map.of("rse", target.id(), "rows", oldRows.subList(from, Math.min(oldRows.size(), from + batch))))
                    .consume();
        }
        long createdBytes = newFiles.stream().mapToLong(NewDid::bytes).sum();
        return new Created(newFiles.stream().map(f -> f.scope() + ":" + f.name()).toList(), createdBytes);
    }

    private static Map<String, Object> replicaRow(Target target, NewReplica f, String key, long now) {
        Map<String, Object> rel = new HashMap<>(12);
        rel.put("state", (f.state() == null ? ReplicaState.AVAILABLE : f.state()).name());
        rel.put("bytes", f.bytes());
        rel.put("path", path(target, f, key));
        rel.put("lock_cnt", 0L);
        rel.put("tombstone", Times.millis(f.tombstone()));
        rel.put("created_at", now);
        rel.put("updated_at", now);
        Map<String, Object> row = new HashMap<>(4);
        row.put("key", key);
        row.put("rel", rel);
        return row;
    }

    private static String path(Target target, NewReplica f, String key) {
        if (f.pfn() != null && !f.pfn().isBlank()) {
            try {
                String p = URI.create(f.pfn()).getPath();
                if (p == null || p.isEmpty()) {
                    throw new InvalidObject("PFN '" + f.pfn() + "' of '" + key + "' has no path");
                }
                return relativeToPrefix(p, target.prefixes());
            } catch (IllegalArgumentException e) {
                throw new InvalidObject("PFN '" + f.pfn() + "' of '" + key + "' is not a valid URI");
            }
        }
        if (!target.deterministic()) {
            throw new InvalidObject("RSE '" + target.rse() + "' is not deterministic: a pfn is required for '" + key + "'");
        }
        return Lfn2Pfn.path(target.algorithm(), f.scope(), f.name());
    }

    /**
     * A replica's path is stored relative to its RSE's protocol prefix, as Rucio stores it, so that every protocol of
     * the RSE builds its PFN from prefix + path. The longest matching prefix wins; a PFN under none keeps its path.
     */
    static String relativeToPrefix(String path, List<String> prefixes) {
        String best = "";
        for (String prefix : prefixes) {
            String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
            if (!p.isEmpty() && path.startsWith(p + "/") && p.length() > best.length()) {
                best = p;
            }
        }
        return best.isEmpty() ? path : path.substring(best.length() + 1);
    }

    private static Target target(TransactionContext tx, String rse) {
        List<Target> found = tx.run("""
                MATCH (r:Rse {rse: $rse})
                OPTIONAL MATCH (r)-[:HAS_PROTOCOL]->(p:Protocol)
                RETURN r.id AS id, r.rse AS rse, r.deterministic AS deterministic,
                  r.availability_write AS writable, r.lfn2pfn_algorithm AS algorithm, collect(p.prefix) AS prefixes
                """, Map.of("rse", rse == null ? "" : rse)).list(r -> new Target(r.get("id").asString(), r.get("rse").asString(),
                Values.bool(r.get("deterministic"), true), Values.bool(r.get("writable"), true),
                Values.str(r.get("algorithm")), r.get("prefixes").asList(v -> v.asString(""))));
        if (found.isEmpty()) {
            throw new RSENotFound("RSE '" + rse + "' not found");
        }
        return found.get(0);
    }


    /** Removes replicas from the catalog (not from storage), all or none; replicas still locked by rules are refused. */
    public void delete(String rse, List<DidRef> files) {
        if (files == null || files.isEmpty()) {
            throw new InvalidObject("No replicas given");
        }
        List<String> keys = files.stream().map(f -> DidRef.of(f.scope(), f.name()).key()).distinct().toList();
        store.write(tx -> {
            Target target = target(tx, rse);
            List<Record> rows = tx.run("""
                    UNWIND $keys AS k
                    OPTIONAL MATCH (:Did {key: k})-[rel:REPLICA]->(:Rse {id: $rse})
                    RETURN k, rel IS NOT NULL AS present, coalesce(rel.lock_cnt, 0) AS locks
                    """, Map.of("keys", keys, "rse", target.id())).list();
            for (Record r : rows) {
                if (!r.get("present").asBoolean()) {
                    throw new ReplicaNotFound("No replica of '" + r.get("k").asString() + "' on RSE '" + rse + "'");
                }
                if (r.get("locks").asLong() > 0) {
                    throw new UnsupportedOperation("Replica of '" + r.get("k").asString() + "' on RSE '" + rse
                            + "' is locked by " + r.get("locks").asLong() + " rule(s)");
                }
            }
            tx.run("""
                    UNWIND $keys AS k
                    MATCH (:Did {key: k})-[rel:REPLICA]->(:Rse {id: $rse})
                    DELETE rel
                    """, Map.of("keys", keys, "rse", target.id())).consume();
            return null;
        });
    }

    /** The replicas of one file. */
    public List<Replica> replicasOf(DidRef file) {
        DidRef.of(file.scope(), file.name());
        return store.read(tx -> tx.run("""
                MATCH (d:Did {key: $key})-[rel:REPLICA]->(r:Rse)
                RETURN d.scope AS scope, d.name AS name, r.rse AS rse, r.id AS rse_id, rel, d.adler32 AS adler32, d.md5 AS md5
                ORDER BY r.rse
                """, Map.of("key", file.key())).list(ReplicaStore::replica));
    }

    /** One replica, or ReplicaNotFound. */
    public Replica get(DidRef file, String rse) {
        return replicasOf(file).stream().filter(r -> r.rse().equals(rse)).findFirst()
                .orElseThrow(() -> new ReplicaNotFound("No replica of '" + file + "' on RSE '" + rse + "'"));
    }

    private static Replica replica(Record r) {
        var rel = r.get("rel").asRelationship();
        return new Replica(r.get("scope").asString(), r.get("name").asString(), r.get("rse").asString(),
                r.get("rse_id").asString(), Values.lng(rel.get("bytes")), Values.str(r.get("adler32")),
                Values.str(r.get("md5")), Values.str(rel.get("path")), ReplicaState.valueOf(rel.get("state").asString()),
                rel.get("lock_cnt").asLong(0), Times.instant(rel.get("tombstone")), Times.instant(rel.get("accessed_at")),
                Times.instant(rel.get("created_at")), Times.instant(rel.get("updated_at")));
    }

    /**
     * Streams the files under the given DIDs (each file once) with their replicas, as the driver fetches them.
     * Only AVAILABLE replicas unless {@code allStates}; files without a listed replica are left out, as in Rucio.
     */
    public void list(List<DidRef> didList, boolean allStates, Consumer<FileReplicas> sink) {
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
