package org.stevedore.catalog.replica;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.Checksums;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.FileConsistencyMismatch;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.replica.ReplicaStore.MadeAvailable;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocol;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.store.Constraints;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;

/**
 * The registration of replicas, {@link ReplicaStore#add} and {@link ReplicaStore#addIn}: the checks of a request,
 * the statements that create the replicas (and the files not known yet, with their {@code CONTAINS} relationship to
 * the dataset given) and the outbox event of the replicas made AVAILABLE, and the paths stored on each replica. Also
 * the lookup of the RSE a replica goes to, which deletion shares. Stateless: every write runs in the transaction
 * handed in.
 */
final class ReplicaRegistration {

    private final Store store;
    private final Clock clock;
    private final DidStore dids;
    private final AttachmentStore attachments;

    ReplicaRegistration(Store store, Clock clock, DidStore dids, AttachmentStore attachments) {
        this.store = store;
        this.clock = clock;
        this.dids = dids;
        this.attachments = attachments;
    }

    /**
     * The RSE facts replica registration needs: its protocols (where explicit PFNs may point) and whether an admin
     * opened it for registration by its users (RSE attribute {@code user_registration}).
     */
    record Target(String id, String rse, boolean deterministic, boolean writable, String algorithm,
                  List<RseProtocol> protocols, boolean userRegistration) {
    }

    /**
     * {@link ReplicaStore#addIn}: validates the list before writing anything, writes the replicas (and the files
     * not known yet) and the {@code REPLICA_AVAILABLE} outbox event of the AVAILABLE replicas in the caller's
     * transaction.
     */
    MadeAvailable addIn(TransactionContext tx, String rse, List<NewReplica> files, String account,
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
        Created created = register(tx, target, files, account, dataset, now);
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

    /**
     * {@link ReplicaStore#placements}: the request checked as registration checks it (names, PFNs, one path per
     * file), each file's path, and the innermost existing scope whose directory holds the path.
     */
    ReplicaStore.Placements placements(TransactionContext tx, String rse, List<NewReplica> files) {
        validate(files, null);
        Target target = target(tx, rse);
        Map<String, String> paths = paths(target, files);
        List<String> candidates = paths.values().stream().flatMap(p -> Lfn2Pfn.scopesAbove(p).stream()).distinct()
                .toList();
        Set<String> scopes = new HashSet<>();
        int batch = store.batchSize();
        for (int from = 0; from < candidates.size(); from += batch) {
            tx.run("UNWIND $scopes AS s MATCH (:Scope {scope: s}) RETURN s",
                    Map.of("scopes", candidates.subList(from, Math.min(candidates.size(), from + batch))))
                    .list(r -> scopes.add(r.get("s").asString()));
        }
        List<ReplicaStore.Placement> placed = new ArrayList<>(files.size());
        for (NewReplica f : files) {
            String path = paths.get(f.scope() + ":" + f.name());
            String owner = Lfn2Pfn.scopesAbove(path).stream().filter(scopes::contains).findFirst().orElse(null);
            placed.add(new ReplicaStore.Placement(f.scope(), f.name(), path, owner));
        }
        return new ReplicaStore.Placements(target.rse(), target.userRegistration(), placed);
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
    private Created register(TransactionContext tx, Target target, List<NewReplica> files, String account,
                             DidRef dataset, long now) {
        int batch = store.batchSize();
        // Every path first: a refused PFN refuses the request before any statement runs.
        Map<String, String> paths = paths(target, files);
        // What exists already: the file, its size and checksum, whether it is already on this RSE, and the file whose
        // replica holds the path on this RSE (looked up through the replica_path constraint's index).
        Map<String, Record> existing = new HashMap<>();
        for (int from = 0; from < files.size(); from += batch) {
            List<Map<String, Object>> rows = files.subList(from, Math.min(files.size(), from + batch)).stream()
                    .map(f -> Map.<String, Object>of("key", f.scope() + ":" + f.name(),
                            "path", paths.get(f.scope() + ":" + f.name()))).toList();
            tx.run("""
                    UNWIND $rows AS row
                    OPTIONAL MATCH (d:Did {key: row.key})
                    OPTIONAL MATCH (holder:Did)-[:REPLICA {rse_id: $rse, path: row.path}]->()
                    WITH row, d, holder WHERE d IS NOT NULL OR holder IS NOT NULL
                    RETURN row.key AS k, d IS NOT NULL AS found, d.did_type AS type, d.bytes AS bytes,
                      d.adler32 AS adler32, holder.key AS holder,
                      CASE WHEN d IS NULL THEN false ELSE EXISTS { (d)-[:REPLICA]->(:Rse {id: $rse}) } END AS present
                    """, Map.of("rows", rows, "rse", target.id())).list().forEach(r -> existing.put(r.get("k").asString(), r));
        }
        List<NewDid> newFiles = new ArrayList<>();
        List<Map<String, Object>> newRows = new ArrayList<>();
        List<Map<String, Object>> oldRows = new ArrayList<>();
        for (NewReplica f : files) {
            String key = f.scope() + ":" + f.name();
            String adler32 = Checksums.adler32(f.adler32(), key);
            Record found = existing.get(key);
            String holder = found == null ? null : Values.str(found.get("holder"));
            if (holder != null && !holder.equals(key)) {
                throw pathTaken(target, f, key, paths.get(key), holder);
            }
            Map<String, Object> rel = replicaRow(target, f, key, paths.get(key), now);
            if (found == null || !found.get("found").asBoolean()) {
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
                Constraints.refusingDuplicates(() -> tx.run(create, params).consume(), () -> raced(target));
            }
        }
        for (int from = 0; from < oldRows.size(); from += batch) {
            String create = """
                    MATCH (r:Rse {id: $rse})
                    UNWIND $rows AS row
                    MATCH (d:Did {key: row.key})
                    CREATE (d)-[rel:REPLICA]->(r)
                    SET rel = row.rel
                    """;
            Map<String, Object> params = Map.of("rse", target.id(),
                    "rows", oldRows.subList(from, Math.min(oldRows.size(), from + batch)));
            Constraints.refusingDuplicates(() -> tx.run(create, params).consume(), () -> raced(target));
        }
        long createdBytes = newFiles.stream().mapToLong(NewDid::bytes).sum();
        return new Created(newFiles.stream().map(f -> f.scope() + ":" + f.name()).toList(), createdBytes);
    }

    /**
     * The path of each file of the request ({@link #path}), by file key; two files at one path are refused, as the
     * store would refuse them.
     */
    private static Map<String, String> paths(Target target, List<NewReplica> files) {
        Map<String, String> byKey = new HashMap<>(files.size() * 2);
        Map<String, String> byPath = new HashMap<>(files.size() * 2);
        for (NewReplica f : files) {
            String key = f.scope() + ":" + f.name();
            String path = path(target, f, key);
            String other = byPath.putIfAbsent(path, key);
            if (other != null) {
                throw pathTaken(target, f, key, path, other);
            }
            byKey.put(key, path);
        }
        return byKey;
    }

    private static Duplicate pathTaken(Target target, NewReplica f, String key, String path, String holder) {
        String given = f.pfn() != null && !f.pfn().isBlank() ? "PFN '" + f.pfn() + "' of '" + key + "'" : "'" + key + "'";
        return new Duplicate(given + " is at path '" + path + "' on RSE '" + target.rse()
                + "', which is already the replica of '" + holder + "': a physical path belongs to one replica");
    }

    /** A concurrent registration took a file or a path of this one between its check and its write. */
    private static Duplicate raced(Target target) {
        return new Duplicate("A file or a physical path of this registration on RSE '" + target.rse()
                + "' was registered at the same time by another request");
    }

    private static Map<String, Object> replicaRow(Target target, NewReplica f, String key, String path, long now) {
        Map<String, Object> rel = new HashMap<>(12);
        rel.put("state", (f.state() == null ? ReplicaState.AVAILABLE : f.state()).name());
        rel.put("bytes", f.bytes());
        // With the path, what the store keeps unique: one replica per physical path and RSE.
        rel.put("rse_id", target.id());
        rel.put("path", path);
        rel.put("lock_cnt", 0L);
        rel.put("tombstone", Times.millis(f.tombstone()));
        rel.put("created_at", now);
        rel.put("updated_at", now);
        Map<String, Object> row = new HashMap<>(4);
        row.put("key", key);
        row.put("rel", rel);
        return row;
    }

    /**
     * The path a replica is stored at, the same whichever way it was given: an explicit PFN confined to the RSE and
     * made relative to its protocol's prefix ({@link PfnPaths}), or on a deterministic RSE the lfn2pfn path of the
     * file. Either way the path is stored, so that the store's uniqueness of (RSE, path) covers both: an explicit
     * PFN equal to another file's derived path collides with it.
     */
    static String path(Target target, NewReplica f, String key) {
        if (f.pfn() != null && !f.pfn().isBlank()) {
            return PfnPaths.relative(f.pfn(), key, target.rse(), target.protocols());
        }
        if (!target.deterministic()) {
            throw new InvalidObject("RSE '" + target.rse() + "' is not deterministic: a pfn is required for '" + key + "'");
        }
        return Lfn2Pfn.path(target.algorithm(), f.scope(), f.name());
    }

    /** The RSE named {@code rse}, or RSENotFound. */
    static Target target(TransactionContext tx, String rse) {
        List<Target> found = tx.run("""
                MATCH (r:Rse {rse: $rse})
                OPTIONAL MATCH (r)-[:HAS_PROTOCOL]->(p:Protocol)
                RETURN r.id AS id, r.rse AS rse, r.deterministic AS deterministic,
                  r.availability_write AS writable, r.lfn2pfn_algorithm AS algorithm, collect(properties(p)) AS protocols,
                  toLower(toString(coalesce(r.`attr:user_registration`, false))) = 'true' AS user_registration
                """, Map.of("rse", rse == null ? "" : rse)).list(r -> new Target(r.get("id").asString(), r.get("rse").asString(),
                Values.bool(r.get("deterministic"), true), Values.bool(r.get("writable"), true),
                Values.str(r.get("algorithm")), r.get("protocols").asList(v -> RseProtocolStore.fromProperties(v.asMap())),
                r.get("user_registration").asBoolean()));
        if (found.isEmpty()) {
            throw new RSENotFound("RSE '" + rse + "' not found");
        }
        return found.get(0);
    }
}
