package org.stevedore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * Lists the replicas of one dataset of {@code files} files, registered through the service path, again and again,
 * as a client does: {@code GET /replicas/{scope}/{name}} of the whole application over HTTP, every line read, so the
 * controller, its PFNs, the streaming writer and the servlet container are in the figures, not only the query. The
 * time to the first line shows the listing streams. The store's part alone (the listing in process, its documents
 * written to nowhere) is measured alternately with it.
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
        try (Service service = Service.start(options, "list")) {
            Catalog catalog = Catalog.of(service.store(), clock);
            catalog.prepare(w);
            // A readable protocol, so each file's document carries its PFN as a client's download needs it.
            service.post("/rses/" + w.rse() + "/protocols/davs", Map.of("hostname", "se.example.org", "port", 443,
                    "prefix", "/dpm/example.org/home/atlas", "domains", Map.of("wan", Map.of("read", 1, "write", 1))),
                    201);
            DidRef dataset = w.dataset(0);
            long started = System.nanoTime();
            catalog.dids().add(List.of(NewDid.collection(dataset.scope(), dataset.name(), DidType.DATASET, w.account())));
            for (int from = 0; from < w.files(); from += options.datasetSize()) {
                catalog.replicas().add(w.rse(), w.replicasOf(from, Math.min(w.files(), from + options.datasetSize())),
                        w.account(), false, dataset);
            }
            long setupNs = System.nanoTime() - started;
            // The application's re-evaluator takes the queued dataset updates as they come: not counted.
            Census.take(service.store(), w.rse()).verify(w, "list-replicas", false);

            HttpRequest listing = service.request("/replicas/" + dataset.scope() + "/" + dataset.name()).GET().build();
            long[] first = new long[1];
            for (int i = 0; i < options.warmup(); i++) {
                listOverHttp(service, listing, w.files(), first);
                listOnce(catalog.replicas(), dataset, w.files());
            }
            // Alternating, so that both series see the same drift of the machine.
            long[] nanos = new long[options.repeat()];
            long[] firstNanos = new long[options.repeat()];
            long[] storeNanos = new long[options.repeat()];
            long cpuNs = 0;
            for (int i = 0; i < nanos.length; i++) {
                long cpu0 = CpuClock.nanos();
                long t0 = System.nanoTime();
                listOverHttp(service, listing, w.files(), first);
                nanos[i] = System.nanoTime() - t0;
                firstNanos[i] = first[0] - t0;
                cpuNs += CpuClock.nanos() - cpu0;
                t0 = System.nanoTime();
                listOnce(catalog.replicas(), dataset, w.files());
                storeNanos[i] = System.nanoTime() - t0;
            }
            Arrays.sort(nanos);
            Arrays.sort(firstNanos);
            Arrays.sort(storeNanos);
            f.put("path", "GET /replicas/{scope}/{dataset} over HTTP, every line read");
            f.put("repeat", nanos.length);
            f.put("warmup", options.warmup());
            f.put("p50_ms", millis(percentile(nanos, 50)));
            f.put("p99_ms", millis(percentile(nanos, 99)));
            f.put("min_ms", millis(nanos[0]));
            f.put("max_ms", millis(nanos[nanos.length - 1]));
            // Files per second of the median listing: the rate that should hold as the dataset grows.
            f.put("files_listed_per_s", Math.round(w.files() / (percentile(nanos, 50) / 1e9)));
            f.put("mean_ms", millis((long) Arrays.stream(nanos).average().orElse(0)));
            // Streamed: the first file's line arrives long before the whole listing has.
            f.put("first_line_p50_ms", millis(percentile(firstNanos, 50)));
            f.put("first_line_p99_ms", millis(percentile(firstNanos, 99)));
            // The store's part alone: the same listing in process, its documents written to nowhere.
            f.put("store_p50_ms", millis(percentile(storeNanos, 50)));
            f.put("store_p99_ms", millis(percentile(storeNanos, 99)));
            f.put("cpu_ms_per_listing", millis(cpuNs / nanos.length));
            f.put("setup_files_per_s", Math.round(w.files() / (setupNs / 1e9)));
            f.put("load_average", CatalogIngest.loadAverage());
            f.putAll(heap.figures());
        }
        f.put("verified", true);
        return f;
    }

    /**
     * One listing through the REST endpoint, read to the end as a client would; fails unless it is a 200 stream of
     * one line per file. {@code firstLine[0]} gets the {@link System#nanoTime()} at which the first line was in.
     */
    private static void listOverHttp(Service service, HttpRequest listing, int expected, long[] firstLine) {
        HttpResponse<InputStream> response = service.open(listing);
        long lines = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new BenchmarkFailed("Listing answered " + response.statusCode() + ": "
                        + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n' && lines++ == 0) {
                        firstLine[0] = System.nanoTime();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (lines != expected) {
            throw new BenchmarkFailed("Listing over HTTP returned " + lines + " lines, expected " + expected);
        }
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
