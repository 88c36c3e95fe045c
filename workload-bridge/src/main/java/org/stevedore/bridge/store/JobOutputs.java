package org.stevedore.bridge.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.exceptions.ClientException;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.Checksums;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.FileConsistencyMismatch;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.ReplicaState;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.store.Constraints;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;

/**
 * The output files of bridge jobs, registered with their replicas into an output dataset in one transaction. A
 * job that is retried registers the same outputs again: a file that exists with the same size and adler32 is taken
 * as it is, a replica already on its RSE is left alone, so a repeat is a no-op rather than an error. Anything else
 * that disagrees refuses the whole registration.
 */
public final class JobOutputs {

    /** One output replica: a file of the dataset's scope on {@code rse}, at {@code pfn} (optional on deterministic RSEs). */
    public record Output(String name, Long bytes, String adler32, String rse, String pfn) {
    }

    /** What a registration did. */
    public record Registered(String scope, String dataset, boolean datasetCreated, int replicasAdded,
                             int alreadyRegistered) {
    }

    /** Attempts of a registration that lost a race on a uniqueness constraint (each loser finds the winner's node). */
    private static final int RACE_ATTEMPTS = 5;

    private final Store store;
    private final DidStore dids;
    private final ReplicaStore replicas;
    private final AttachmentStore attachments;

    public JobOutputs(Store store, DidStore dids, ReplicaStore replicas, AttachmentStore attachments) {
        this.store = store;
        this.dids = dids;
        this.replicas = replicas;
        this.attachments = attachments;
    }

    /**
     * Registers {@code outputs} (files of {@code scope}, owned by {@code account}) with their replicas and attaches
     * them to {@code scope:dataset}, which is created open when missing. All or nothing: a bad name or checksum, an
     * unknown scope or RSE, a file that exists with another size or checksum, a closed dataset refuse everything.
     */
    public Registered register(String account, String scope, String dataset, List<Output> outputs) {
        DidRef datasetRef = DidRef.of(scope, dataset);
        if (account == null || account.isBlank()) {
            throw new InvalidObject("Outputs of '" + datasetRef + "' need an account to own them");
        }
        List<Output> checked = validate(scope, outputs);
        List<Map<String, Object>> datasetRow = dids.rows(List.of(NewDid.collection(scope, dataset, DidType.DATASET,
                account)));
        List<ReplicaStore.MadeAvailable> madeAvailable = new ArrayList<>();
        Registered registered = null;
        for (int attempt = 1; registered == null; attempt++) {
            try {
                registered = write(account, scope, dataset, datasetRef, checked, datasetRow, madeAvailable);
            } catch (ClientException e) {
                // Jobs of one task ending at once create the same dataset (or the same file, when retried): the
                // one that loses the race on the uniqueness constraint tries again and finds what the winner made.
                if (!Constraints.isUniquenessViolation(e) || attempt >= RACE_ATTEMPTS) {
                    throw e;
                }
            }
        }
        // After the commit: outputs may be the inputs of another task's HELD jobs.
        madeAvailable.forEach(replicas::announce);
        return registered;
    }

    /** One attempt of {@link #register}: one transaction. */
    private Registered write(String account, String scope, String dataset, DidRef datasetRef, List<Output> checked,
                             List<Map<String, Object>> datasetRow, List<ReplicaStore.MadeAvailable> madeAvailable) {
        return store.write(tx -> {
            madeAvailable.clear();
            boolean created = ensureDataset(tx, datasetRef, datasetRow);
            Map<String, Record> existing = existing(tx, datasetRef, checked);
            Map<String, List<NewReplica>> byRse = new LinkedHashMap<>();
            List<DidRef> toAttach = new ArrayList<>();
            int already = 0;
            for (Output o : checked) {
                String key = scope + ":" + o.name();
                Record found = existing.get(key);
                if (found != null && !found.get("type").isNull()) {
                    requireSameFile(key, found, o);
                    if (found.get("rses").asList(v -> v.asString()).contains(o.rse())) {
                        already++;
                        if (!found.get("attached").asBoolean()) {
                            toAttach.add(new DidRef(scope, o.name()));
                        }
                        continue;
                    }
                }
                byRse.computeIfAbsent(o.rse(), r -> new ArrayList<>()).add(new NewReplica(scope, o.name(), o.bytes(),
                        o.adler32(), null, o.pfn(), ReplicaState.AVAILABLE, null, null, null));
            }
            for (Map.Entry<String, List<NewReplica>> e : byRse.entrySet()) {
                madeAvailable.add(replicas.addIn(tx, e.getKey(), e.getValue(), account, false, datasetRef));
            }
            if (!toAttach.isEmpty()) {
                attachments.attachIn(tx, new AttachmentStore.Attachment(datasetRef, toAttach), true);
            }
            int added = byRse.values().stream().mapToInt(List::size).sum();
            return new Registered(scope, dataset, created, added, already);
        });
    }

    /** Closes the output dataset at the end of its task; closing a closed dataset again is fine. */
    public void close(String scope, String dataset) {
        dids.setOpen(scope, dataset, false);
    }

    private static List<Output> validate(String scope, List<Output> outputs) {
        if (outputs == null || outputs.isEmpty()) {
            throw new InvalidObject("No output files given");
        }
        Map<String, Output> firstByName = new HashMap<>();
        Set<String> replicaKeys = new HashSet<>();
        List<Output> checked = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            Output o = outputs.get(i);
            if (o == null) {
                throw new InvalidObject("Output file number " + (i + 1) + " is null");
            }
            String key = DidRef.of(scope, o.name()).key();
            if (o.bytes() == null || o.bytes() < 0) {
                throw new InvalidObject("Output file '" + key + "' needs a size (bytes) of 0 or more, got " + o.bytes());
            }
            if (o.adler32() == null || o.adler32().isBlank()) {
                throw new InvalidObject("Output file '" + key + "' has no adler32");
            }
            if (o.rse() == null || o.rse().isBlank()) {
                throw new InvalidObject("Output file '" + key + "' has no RSE");
            }
            Output normal = new Output(o.name(), o.bytes(), Checksums.adler32(o.adler32(), key), o.rse(), o.pfn());
            if (!replicaKeys.add(key + "|" + o.rse())) {
                throw new Duplicate("Output file '" + key + "' appears twice for RSE '" + o.rse() + "'");
            }
            Output first = firstByName.putIfAbsent(o.name(), normal);
            if (first != null && (!first.bytes().equals(normal.bytes()) || !first.adler32().equals(normal.adler32()))) {
                throw new FileConsistencyMismatch("Output file '" + key + "' is given with two sizes or checksums");
            }
            checked.add(normal);
        }
        return checked;
    }

    /** Creates the dataset when missing; refuses a DID of that name that is not a dataset. Answers whether it created. */
    private boolean ensureDataset(TransactionContext tx, DidRef ref, List<Map<String, Object>> row) {
        List<String> types = tx.run("MATCH (d:Did {key: $key}) RETURN d.did_type AS type", Map.of("key", ref.key()))
                .list(r -> r.get("type").asString());
        if (types.isEmpty()) {
            dids.create(tx, row);
            return true;
        }
        if (!DidType.DATASET.name().equals(types.get(0))) {
            throw new UnsupportedOperation("Output dataset '" + ref + "' exists as a " + types.get(0).toLowerCase()
                    + ", not a dataset");
        }
        return false;
    }

    /** The outputs' files that exist already: type, size, checksum, RSEs with a replica, attached to the dataset. */
    private Map<String, Record> existing(TransactionContext tx, DidRef dataset, List<Output> outputs) {
        List<String> keys = outputs.stream().map(o -> dataset.scope() + ":" + o.name()).distinct().toList();
        Map<String, Record> found = new HashMap<>();
        int batch = store.batchSize();
        for (int from = 0; from < keys.size(); from += batch) {
            tx.run("""
                    UNWIND $keys AS k
                    MATCH (d:Did {key: k})
                    RETURN k, d.did_type AS type, d.bytes AS bytes, d.adler32 AS adler32,
                      [(d)-[:REPLICA]->(r:Rse) | r.rse] AS rses, EXISTS { (:Did {key: $dataset})-[:CONTAINS]->(d) } AS attached
                    """, Map.of("keys", keys.subList(from, Math.min(keys.size(), from + batch)),
                    "dataset", dataset.key())).list().forEach(r -> found.put(r.get("k").asString(), r));
        }
        return found;
    }

    private static void requireSameFile(String key, Record found, Output o) {
        String type = found.get("type").asString();
        if (!DidType.FILE.name().equals(type)) {
            throw new UnsupportedOperation("Output file '" + key + "' exists as a " + type.toLowerCase());
        }
        Long bytes = Values.lng(found.get("bytes"));
        String adler32 = Values.str(found.get("adler32"));
        if (!Objects.equals(bytes, o.bytes()) || !Objects.equals(adler32, o.adler32())) {
            throw new FileConsistencyMismatch("Output file '" + key + "' exists with " + bytes + " bytes and adler32 "
                    + adler32 + ", not " + o.bytes() + " bytes and adler32 " + o.adler32());
        }
    }
}
