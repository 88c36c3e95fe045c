package org.stevedore.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.stevedore.catalog.replica.BadReplicaStore;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.transfer.consistency.ConsistencyCheck;
import org.stevedore.transfer.consistency.ConsistencyStore;
import org.stevedore.transfer.consistency.DumpListing;
import org.stevedore.transfer.storage.StorageProtocols;

/**
 * {@code consistency}: an RSE with N AVAILABLE replicas (written with raw UNWIND batches) checked against a storage
 * dump of N lines in Rucio's format, in random order: every 1000th replica is missing from the dump and one dark path
 * per 1000 is added. Timed: the whole check (the dump's sort on disk, the merge with the catalog read in path order,
 * the missing declared bad, the dark recorded). Verified: the counts, and one BAD declaration per missing replica.
 */
final class ConsistencyBench {

    private static final int EVERY = 1000;

    private final Options options;
    private final Clock clock;

    ConsistencyBench(Options options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    Map<String, Object> run() {
        try (HeapMeter heap = HeapMeter.start(); TempStore temp = TempStore.open(options, "consistency")) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("scenario", Options.CONSISTENCY);
            f.put("files", options.files());
            Store store = temp.store();
            Catalog catalog = Catalog.of(store, clock);
            Workload w = Workload.of(options);
            catalog.prepare(w);
            String rseId = catalog.rses().get(w.rse()).id();

            long setup = System.nanoTime();
            long created = clock.millis() - Duration.ofHours(1).toMillis();
            List<String> listed = new ArrayList<>(options.files() + options.files() / EVERY + 1);
            int expectedMissing = 0;
            for (int from = 0; from < w.files(); from += options.batch()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int i = from; i < Math.min(w.files(), from + options.batch()); i++) {
                    String name = w.fileName(i);
                    String path = Lfn2Pfn.path(Lfn2Pfn.HASH, w.scope(), name);
                    Map<String, Object> row = new HashMap<>();
                    row.put("key", w.scope() + ":" + name);
                    row.put("name", name);
                    row.put("path", path);
                    rows.add(row);
                    if (i % EVERY == EVERY - 1) {
                        expectedMissing++;
                        listed.add("dark/" + name);
                    } else {
                        listed.add(path);
                    }
                }
                store.write(tx -> tx.run("""
                        MATCH (rse:Rse {id: $rse})
                        UNWIND $rows AS row
                        CREATE (f:Did {key: row.key, scope: $scope, name: row.name, did_type: 'FILE', account: $account,
                                       bytes: 1, adler32: '00000001', created_at: $now, updated_at: $now})
                        CREATE (f)-[:REPLICA {state: 'AVAILABLE', bytes: 1, rse_id: $rse, path: row.path,
                                              lock_cnt: 0, created_at: $now, updated_at: $now}]->(rse)
                        """, Map.of("rse", rseId, "rows", rows, "scope", w.scope(), "account", w.account(),
                        "now", created)).consume());
            }
            Path dir = Files.createTempDirectory(temp.home(), "dump");
            Path dump = dir.resolve(w.rse() + ".dump");
            Collections.shuffle(listed, new Random(42));
            try (BufferedWriter out = Files.newBufferedWriter(dump, StandardCharsets.UTF_8)) {
                for (String p : listed) {
                    out.write(p);
                    out.write('\n');
                }
            }
            listed = null;
            f.put("setup_s", seconds(System.nanoTime() - setup));

            ConsistencyCheck check = new ConsistencyCheck(new ConsistencyStore(store),
                    new BadReplicaStore(store, clock, BadReplicaStore.Settings.defaults()), new RseProtocolStore(store),
                    new StorageProtocols(Map.of()), clock,
                    new ConsistencyCheck.Settings(Duration.ofDays(7), false, 10_000, 5_000));
            long cpu0 = CpuClock.nanos();
            long started = System.nanoTime();
            ConsistencyStore.Run run = check.run(w.rse(), new DumpListing(dump, dir, 200_000));
            long elapsed = System.nanoTime() - started;
            long cpu = CpuClock.nanos() - cpu0;

            long declared = store.read(tx -> tx.run("MATCH (b:BadReplica {state: 'BAD'}) RETURN count(b)").single()
                    .get(0).asLong());
            if (!run.state().equals("DONE") || run.missing() != expectedMissing || run.dark() != expectedMissing
                    || run.storageFiles() != w.files() || run.catalogFiles() != w.files()
                    || declared != expectedMissing) {
                throw new BenchmarkFailed("expected " + w.files() + " files on both sides, " + expectedMissing
                        + " missing, dark and declared; got " + run + " and " + declared + " declared");
            }
            f.put("storage_files", run.storageFiles());
            f.put("catalog_files", run.catalogFiles());
            f.put("missing", run.missing());
            f.put("dark", run.dark());
            f.put("seconds", seconds(elapsed));
            f.put("files_compared_per_s", Math.round(w.files() / (elapsed / 1e9)));
            f.put("cpu_s", seconds(cpu));
            f.put("load_average", CatalogIngest.loadAverage());
            f.putAll(heap.figures());
            f.put("verified", true);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1000.0;
    }
}
