package org.stevedore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.replica.ReplicaStore;

/**
 * Lists the replicas of one dataset of {@code files} files, registered through the service path, again and again.
 * Each listing consumes every row and writes it as a Rucio-style JSON document, so the cost of building the
 * response is in the figures, not only the query.
 */
final class ListReplicas {

    private final Options options;
    private final Clock clock;
    private final ObjectMapper json;

    ListReplicas(Options options, Clock clock, ObjectMapper json) {
        this.options = options;
        this.clock = clock;
        this.json = json;
    }

    Map<String, Object> run() {
        // One dataset holding every file, filled by bulk requests of dataset-size files.
        Workload w = new Workload("bench", "mc16_13tev", "BENCH_DISK", options.files(), options.files());
        try (HeapMeter heap = HeapMeter.start()) {
            return run(w, heap);
        }
    }

    private Map<String, Object> run(Workload w, HeapMeter heap) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("scenario", Options.LIST_REPLICAS);
        f.put("files", w.files());
        try (TempStore temp = TempStore.open(options, "list")) {
            Catalog catalog = Catalog.of(temp.store(), clock);
            catalog.prepare(w);
            DidRef dataset = w.dataset(0);
            long started = System.nanoTime();
            catalog.dids().add(List.of(NewDid.collection(dataset.scope(), dataset.name(), DidType.DATASET, w.account())));
            for (int from = 0; from < w.files(); from += options.datasetSize()) {
                catalog.replicas().add(w.rse(), w.replicasOf(from, Math.min(w.files(), from + options.datasetSize())),
                        w.account(), false, dataset);
            }
            long setupNs = System.nanoTime() - started;
            Census.take(temp.store(), w.rse()).verify(w, "list-replicas");

            for (int i = 0; i < options.warmup(); i++) {
                listOnce(catalog.replicas(), dataset, w.files());
            }
            long[] nanos = new long[options.repeat()];
            long cpuStarted = CpuClock.nanos();
            for (int i = 0; i < nanos.length; i++) {
                long t0 = System.nanoTime();
                listOnce(catalog.replicas(), dataset, w.files());
                nanos[i] = System.nanoTime() - t0;
            }
            long cpuNs = CpuClock.nanos() - cpuStarted;
            Arrays.sort(nanos);
            f.put("repeat", nanos.length);
            f.put("warmup", options.warmup());
            f.put("p50_ms", millis(percentile(nanos, 50)));
            f.put("p99_ms", millis(percentile(nanos, 99)));
            f.put("min_ms", millis(nanos[0]));
            f.put("max_ms", millis(nanos[nanos.length - 1]));
            // Files per second of the median listing: the rate that should hold as the dataset grows.
            f.put("files_listed_per_s", Math.round(w.files() / (percentile(nanos, 50) / 1e9)));
            f.put("mean_ms", millis((long) Arrays.stream(nanos).average().orElse(0)));
            f.put("cpu_ms_per_listing", millis(cpuNs / nanos.length));
            f.put("setup_files_per_s", Math.round(w.files() / (setupNs / 1e9)));
            f.put("load_average", CatalogIngest.loadAverage());
            f.putAll(heap.figures());
        }
        f.put("verified", true);
        return f;
    }

    /** One listing as the REST endpoint would stream it; fails unless every file came back once. */
    private void listOnce(ReplicaStore replicas, DidRef dataset, int expected) {
        long[] rows = {0};
        try (SequenceWriter out = json.writer().withRootValueSeparator("\n").writeValues(OutputStream.nullOutputStream())) {
            replicas.list(List.of(dataset), false, file -> {
                rows[0]++;
                write(out, document(file));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (rows[0] != expected) {
            throw new BenchmarkFailed("Listing returned " + rows[0] + " files, expected " + expected);
        }
    }

    /** Rucio's list_replicas document (paths stand in for PFNs: the bench RSE has no protocol). */
    private static Map<String, Object> document(ReplicaStore.FileReplicas file) {
        Map<String, Object> rses = new LinkedHashMap<>();
        Map<String, Object> states = new LinkedHashMap<>();
        for (ReplicaStore.At at : file.replicas()) {
            rses.put(at.rse(), List.of(at.path()));
            states.put(at.rse(), at.state().name());
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scope", file.scope());
        doc.put("name", file.name());
        doc.put("bytes", file.bytes());
        doc.put("md5", file.md5());
        doc.put("adler32", file.adler32());
        doc.put("rses", rses);
        doc.put("states", states);
        return doc;
    }

    private static void write(SequenceWriter out, Object doc) {
        try {
            out.write(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** A nearest-rank percentile of sorted nanosecond values, in milliseconds. */
    static double percentileMillis(long[] sorted, int p) {
        return millis(percentile(sorted, p));
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }
}
