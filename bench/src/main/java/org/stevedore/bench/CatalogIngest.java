package org.stevedore.bench;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.store.Store;

/**
 * Registers the workload twice on fresh stores: through the service layer of {@code POST /dids/{scope}/{name}/dids}
 * with an RSE (one dataset, then one bulk request of its files per dataset), and as the equivalent graph written
 * with raw {@code UNWIND} Cypher. The ratio of the two rates is what the service's checks and round trips cost.
 */
final class CatalogIngest {

    private final Options options;
    private final Clock clock;

    CatalogIngest(Options options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    Map<String, Object> run() {
        Workload w = Workload.of(options);
        try (HeapMeter heap = HeapMeter.start()) {
            return run(w, heap);
        }
    }

    private Map<String, Object> run(Workload w, HeapMeter heap) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("scenario", Options.CATALOG_INGEST);
        f.put("files", w.files());
        f.put("datasets", w.datasets());
        f.put("dataset_size", w.datasetSize());

        warmUp(heap);

        long serviceNs;
        long serviceCpuNs;
        Phases phases;
        Census service;
        try (TempStore temp = TempStore.open(options, "service")) {
            Catalog catalog = Catalog.of(temp.store(), clock);
            catalog.prepare(w);
            long started = System.nanoTime();
            long cpuStarted = CpuClock.nanos();
            phases = writeThroughService(catalog, w);
            serviceNs = System.nanoTime() - started;
            serviceCpuNs = CpuClock.nanos() - cpuStarted;
            service = Census.take(temp.store(), w.rse()).verify(w, "service");
        }

        long rawNs;
        long rawCpuNs;
        Map<String, Object> heapFigures;
        try (TempStore temp = TempStore.open(options, "raw")) {
            Catalog catalog = Catalog.of(temp.store(), clock);
            catalog.prepare(w);
            String rseId = catalog.rses().get(w.rse()).id();
            long started = System.nanoTime();
            long cpuStarted = CpuClock.nanos();
            writeRaw(temp.store(), w, rseId);
            rawNs = System.nanoTime() - started;
            rawCpuNs = CpuClock.nanos() - cpuStarted;
            Census.take(temp.store(), w.rse()).verify(w, "raw").requireSameShape(service, "raw and service");
            heapFigures = heap.figures();
        }

        double serviceRate = rate(w.files(), serviceNs);
        double rawRate = rate(w.files(), rawNs);
        f.put("service_files_per_s", Math.round(serviceRate));
        f.put("raw_files_per_s", Math.round(rawRate));
        f.put("ratio", Math.round(serviceRate / rawRate * 1000) / 1000.0);
        f.put("service_s", seconds(serviceNs));
        f.put("service_dataset_create_s", seconds(phases.datasetNanos()));
        f.put("service_replica_add_s", seconds(phases.replicaNanos()));
        f.put("raw_s", seconds(rawNs));
        f.put("service_cpu_s", seconds(serviceCpuNs));
        f.put("raw_cpu_s", seconds(rawCpuNs));
        f.put("service_files_per_cpu_s", Math.round(w.files() / (serviceCpuNs / 1e9)));
        f.put("raw_files_per_cpu_s", Math.round(w.files() / (rawCpuNs / 1e9)));
        f.put("load_average", loadAverage());
        f.put("raw_batch", rawBatchFiles(w));
        f.put("warmup_files", options.warmupFiles());
        f.putAll(heapFigures);
        f.put("verified", true);
        return f;
    }

    /**
     * Runs both write paths untimed on a throwaway store first. Neo4j is a large code base: on two cores the JIT
     * compiler alone takes one core for the first ~30 s, and whichever path ran first would pay for it.
     */
    private void warmUp(HeapMeter heap) {
        if (options.warmupFiles() == 0) {
            return;
        }
        Workload service = new Workload("bench", "warmup.service", "BENCH_DISK", options.warmupFiles(), options.datasetSize());
        Workload raw = new Workload("bench", "warmup.raw", "BENCH_DISK", options.warmupFiles(), options.datasetSize());
        try (TempStore temp = TempStore.open(options, "warmup")) {
            Catalog catalog = Catalog.of(temp.store(), clock);
            catalog.prepare(service);
            catalog.scopes().add(raw.scope(), raw.account());
            writeThroughService(catalog, service);
            writeRaw(temp.store(), raw, catalog.rses().get(raw.rse()).id());
        }
        heap.countGcFromHere();
    }

    /** Where the service path's time went: creating the datasets, registering their files. */
    private record Phases(long datasetNanos, long replicaNanos) {
    }

    /** One dataset, then its files in one bulk request: what a client of the REST endpoint does per dataset. */
    private static Phases writeThroughService(Catalog catalog, Workload w) {
        long datasetNanos = 0;
        long replicaNanos = 0;
        for (int d = 0; d < w.datasets(); d++) {
            DidRef dataset = w.dataset(d);
            long t0 = System.nanoTime();
            catalog.dids().add(List.of(NewDid.collection(dataset.scope(), dataset.name(), DidType.DATASET, w.account())));
            long t1 = System.nanoTime();
            catalog.replicas().add(w.rse(), w.replicas(d), w.account(), false, dataset);
            long t2 = System.nanoTime();
            datasetNanos += t1 - t0;
            replicaNanos += t2 - t1;
        }
        return new Phases(datasetNanos, replicaNanos);
    }

    /** Whole datasets per statement, so that each dataset's counters are written with it. */
    private int rawBatchFiles(Workload w) {
        return Math.max(1, options.batch() / w.datasetSize()) * w.datasetSize();
    }

    /**
     * The same nodes, relationships and properties the service path writes (see DidStore.rows, ReplicaStore's
     * replica rows, AttachmentStore.attachIn and UpdatedDidQueue), with none of its checks: one statement per
     * batch of whole datasets, each in its own transaction, with the dataset counters computed client-side.
     */
    private void writeRaw(Store store, Workload w, String rseId) {
        int perBatch = rawBatchFiles(w) / w.datasetSize();
        for (int from = 0; from < w.datasets(); from += perBatch) {
            long now = clock.millis();
            List<Map<String, Object>> datasets = new ArrayList<>(perBatch);
            for (int d = from; d < Math.min(w.datasets(), from + perBatch); d++) {
                datasets.add(datasetRow(w, d, rseId, now));
            }
            store.write(tx -> tx.run("""
                    MATCH (r:Rse {id: $rse})
                    UNWIND $datasets AS ds
                    CREATE (p:Did) SET p = ds.did
                    CREATE (:UpdatedDid {id: ds.queue_id, scope: p.scope, name: p.name, action: 'ATTACH', created_at: $now})
                    WITH r, p, ds
                    UNWIND ds.files AS f
                    CREATE (p)-[:CONTAINS {created_at: $now}]->(d:Did)-[rel:REPLICA]->(r)
                    SET d = f.did, rel = f.rel
                    """, Map.of("rse", rseId, "datasets", datasets, "now", now)).consume());
        }
    }

    private static Map<String, Object> datasetRow(Workload w, int d, String rseId, long now) {
        DidRef ref = w.dataset(d);
        Map<String, Object> did = new HashMap<>();
        did.put("key", ref.key());
        did.put("scope", ref.scope());
        did.put("name", ref.name());
        did.put("did_type", DidType.DATASET.name());
        did.put("account", w.account());
        did.put("created_at", now);
        did.put("updated_at", now);
        did.put("bytes", w.datasetBytes(d));
        did.put("length", (long) (w.end(d) - w.first(d)));
        did.put("is_open", true);
        did.put("monotonic", false);
        List<Map<String, Object>> files = new ArrayList<>(w.end(d) - w.first(d));
        for (int i = w.first(d); i < w.end(d); i++) {
            String name = w.fileName(i);
            Map<String, Object> file = new HashMap<>();
            file.put("key", w.scope() + ":" + name);
            file.put("scope", w.scope());
            file.put("name", name);
            file.put("did_type", DidType.FILE.name());
            file.put("account", w.account());
            file.put("bytes", w.bytes(i));
            file.put("adler32", w.adler32(i));
            file.put("created_at", now);
            file.put("updated_at", now);
            Map<String, Object> rel = new HashMap<>();
            rel.put("state", "AVAILABLE");
            rel.put("bytes", w.bytes(i));
            // The RSE's id on the replica: with the path, what the store keeps unique (one replica per physical path).
            rel.put("rse_id", rseId);
            rel.put("path", Lfn2Pfn.path(Lfn2Pfn.HASH, w.scope(), name));
            rel.put("lock_cnt", 0L);
            rel.put("created_at", now);
            rel.put("updated_at", now);
            files.add(Map.of("did", file, "rel", rel));
        }
        return Map.of("did", did, "files", files, "queue_id", UUID.randomUUID().toString());
    }

    /** The machine's 1-minute load average at the end, so a reader can tell a busy machine's figures apart. */
    static double loadAverage() {
        return Math.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100)
                / 100.0;
    }

    private static double rate(long files, long nanos) {
        return files / (nanos / 1e9);
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1000.0;
    }
}
