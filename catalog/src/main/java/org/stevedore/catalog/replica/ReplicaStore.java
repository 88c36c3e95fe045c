package org.stevedore.catalog.replica;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.ReplicaNotFound;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.catalog.store.Store;

/**
 * Replicas: {@code (:Did)-[:REPLICA {state, bytes, path, lock_cnt, tombstone, accessed_at, ...}]->(:Rse)}. A
 * replica is a relationship rather than a node so that registering a file with its replica costs one node and one
 * relationship; the reaper's and the poller's lookups use the relationship indexes on state and tombstone.
 *
 * <p>This class is the replicas' API, and holds their deletion; the statements of registration are in
 * {@link ReplicaRegistration}, those of the reads in {@link ReplicaListing}.
 */
public final class ReplicaStore {

    private final Store store;
    private final Clock clock;
    private final ReplicaAvailability availability;
    private final ReplicaRegistration registration;
    private final ReplicaListing listing;

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
        this.availability = availability;
        this.registration = new ReplicaRegistration(store, clock, dids, attachments);
        this.listing = new ReplicaListing(store);
    }

    /** Replicas made AVAILABLE by one registration: the files, and the RSE they are on. */
    public record MadeAvailable(List<String> fileKeys, String rseId) {
        public static final MadeAvailable NONE = new MadeAvailable(List.of(), null);

        public boolean isEmpty() {
            return fileKeys.isEmpty();
        }
    }

    /**
     * Where a file's replica would be: its path on the RSE (relative to the protocol prefix) and the scope that owns
     * that part of the RSE's tree ({@code pathScope}: the innermost existing scope whose lfn2pfn directory holds the
     * path; null when none does).
     */
    public record Placement(String scope, String name, String path, String pathScope) {
    }

    /** The placements of one request, and whether the RSE is open to registration by its users. */
    public record Placements(String rse, boolean userRegistration, List<Placement> files) {
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
        return registration.addIn(tx, rse, files, account, ignoreAvailability, dataset);
    }

    /**
     * Where {@link #add} would put the replicas, without writing anything: what a permission check on paths needs.
     * Refuses what registration refuses of the request itself (names, PFNs, two files at one path).
     */
    public Placements placements(String rse, List<NewReplica> files) {
        return store.read(tx -> registration.placements(tx, rse, files));
    }

    /**
     * Deletes replicas, all or none, through the reaper: each gets an OBSOLETE tombstone and leaves the listings at once
     * (BEING_DELETED), and the reaper removes its file and then its row, so no file is left on storage without a
     * catalog entry. Replicas still locked by rules are refused, and one already being deleted is not found.
     */
    public void delete(String rse, List<DidRef> files) {
        if (files == null || files.isEmpty()) {
            throw new InvalidObject("No replicas given");
        }
        List<String> keys = files.stream().map(f -> DidRef.of(f.scope(), f.name()).key()).distinct().toList();
        store.write(tx -> {
            ReplicaRegistration.Target target = ReplicaRegistration.target(tx, rse);
            List<Record> rows = tx.run("""
                    UNWIND $keys AS k
                    OPTIONAL MATCH (:Did {key: k})-[rel:REPLICA]->(:Rse {id: $rse})
                    RETURN k, rel IS NOT NULL AND rel.state <> 'BEING_DELETED' AS present,
                           coalesce(rel.lock_cnt, 0) AS locks
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
                    SET rel.state = 'BEING_DELETED', rel.tombstone = $obsolete, rel.updated_at = $now
                    """, Map.of("keys", keys, "rse", target.id(), "obsolete", Tombstones.OBSOLETE, "now", clock.millis()))
                    .consume();
            return null;
        });
    }

    /** The replicas of one file. */
    public List<Replica> replicasOf(DidRef file) {
        return listing.replicasOf(file);
    }

    /** One replica, or ReplicaNotFound. */
    public Replica get(DidRef file, String rse) {
        return replicasOf(file).stream().filter(r -> r.rse().equals(rse)).findFirst()
                .orElseThrow(() -> new ReplicaNotFound("No replica of '" + file + "' on RSE '" + rse + "'"));
    }

    /**
     * Streams the files under the given DIDs (each file once) with their replicas, as the driver fetches them.
     * Only AVAILABLE replicas unless {@code allStates}; files without a listed replica are left out, as in Rucio.
     */
    public void list(List<DidRef> didList, boolean allStates, Consumer<FileReplicas> sink) {
        listing.list(didList, allStates, sink);
    }
}
