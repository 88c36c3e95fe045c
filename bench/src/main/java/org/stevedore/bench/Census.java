package org.stevedore.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.neo4j.driver.Record;
import org.stevedore.catalog.store.Store;

/**
 * What a store holds after a scenario: counts, sums and the property keys in use. A scenario checks it against
 * its workload before printing figures, so a run that silently wrote less (or something else) fails instead of
 * reporting a rate; catalog-ingest also compares the shapes of its two stores, so the raw write is shown to
 * produce the same graph as the service path.
 */
record Census(long files, long replicas, long replicaBytes, long datasets, long datasetLength, long datasetBytes,
              long contains, long filesNotInExactlyOneDataset, long updatedDids, Shape shape) {

    /** The property keys of each kind of element, for comparing the graphs written by two paths. */
    record Shape(List<String> fileKeys, List<String> datasetKeys, List<String> replicaKeys, List<String> containsKeys) {
    }

    static Census take(Store store, String rse) {
        return store.read(tx -> {
            Record files = tx.run("""
                    MATCH (f:Did) WHERE f.did_type = 'FILE'
                    RETURN count(f) AS n, sum(CASE WHEN COUNT { (:Did)-[:CONTAINS]->(f) } = 1 THEN 0 ELSE 1 END) AS loose
                    """).single();
            Record replicas = tx.run("""
                    MATCH (:Did)-[r:REPLICA]->(:Rse {rse: $rse}) RETURN count(r) AS n, sum(r.bytes) AS bytes
                    """, Map.of("rse", rse)).single();
            Record datasets = tx.run("""
                    MATCH (p:Did) WHERE p.did_type = 'DATASET'
                    RETURN count(p) AS n, sum(p.length) AS length, sum(p.bytes) AS bytes,
                      sum(COUNT { (p)-[:CONTAINS]->(:Did) }) AS contains
                    """).single();
            long updated = tx.run("MATCH (u:UpdatedDid) RETURN count(u) AS n").single().get("n").asLong();
            Shape shape = new Shape(
                    keys(tx.run("MATCH (f:Did) WHERE f.did_type = 'FILE' UNWIND keys(f) AS k RETURN collect(DISTINCT k) AS k")
                            .single()),
                    keys(tx.run("MATCH (p:Did) WHERE p.did_type = 'DATASET' UNWIND keys(p) AS k RETURN collect(DISTINCT k) AS k")
                            .single()),
                    keys(tx.run("MATCH ()-[r:REPLICA]->() UNWIND keys(r) AS k RETURN collect(DISTINCT k) AS k").single()),
                    keys(tx.run("MATCH ()-[c:CONTAINS]->() UNWIND keys(c) AS k RETURN collect(DISTINCT k) AS k").single()));
            return new Census(files.get("n").asLong(), replicas.get("n").asLong(), replicas.get("bytes").asLong(0),
                    datasets.get("n").asLong(), datasets.get("length").asLong(0), datasets.get("bytes").asLong(0),
                    datasets.get("contains").asLong(0), files.get("loose").asLong(), updated, shape);
        });
    }

    private static List<String> keys(Record r) {
        return List.copyOf(new TreeSet<>(r.get("k").asList(v -> v.asString())));
    }

    /**
     * Fails loudly unless the store holds exactly the workload: every file once, with one replica on the RSE, in
     * exactly one dataset, and dataset counters that add up.
     */
    Census verify(Workload w, String what) {
        return verify(w, what, true);
    }

    /**
     * {@link #verify(Workload, String)}, but where the whole application runs beside the store its re-evaluator
     * takes the queued dataset updates as they come: {@code updatesQueued} false does not count them.
     */
    Census verify(Workload w, String what, boolean updatesQueued) {
        List<String> wrong = new ArrayList<>();
        long bytes = w.totalBytes();
        check(wrong, "files", files, w.files());
        check(wrong, "replicas on " + w.rse(), replicas, w.files());
        check(wrong, "bytes of the replicas", replicaBytes, bytes);
        check(wrong, "datasets", datasets, w.datasets());
        check(wrong, "CONTAINS relationships", contains, w.files());
        check(wrong, "sum of dataset lengths", datasetLength, w.files());
        check(wrong, "sum of dataset bytes", datasetBytes, bytes);
        check(wrong, "files not in exactly one dataset", filesNotInExactlyOneDataset, 0);
        if (updatesQueued && updatedDids < w.datasets()) {
            wrong.add("queued dataset updates: " + updatedDids + ", expected at least " + w.datasets());
        }
        if (!wrong.isEmpty()) {
            throw new BenchmarkFailed("The " + what + " store does not hold the workload: " + String.join("; ", wrong));
        }
        return this;
    }

    /** Fails loudly unless both stores hold elements with the same properties. */
    void requireSameShape(Census other, String what) {
        if (!shape.equals(other.shape)) {
            throw new BenchmarkFailed("The " + what + " graph differs in shape: " + shape + " vs " + other.shape);
        }
    }

    private static void check(List<String> wrong, String what, long actual, long expected) {
        if (actual != expected) {
            wrong.add(what + ": " + actual + ", expected " + expected);
        }
    }
}
