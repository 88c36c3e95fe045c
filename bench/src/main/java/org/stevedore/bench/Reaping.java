package org.stevedore.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.replica.Tombstones;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.transfer.reaper.Reaper;
import org.stevedore.transfer.reaper.SpaceProbe;
import org.stevedore.transfer.storage.PosixStorage;
import org.stevedore.transfer.storage.StorageProtocols;
import org.stevedore.transfer.store.ReaperStore;

/**
 * {@code reaper}: N real files of {@value #FILE_BYTES} bytes on a posix RSE (a directory under the temporary store),
 * registered (raw batches, untimed) with OBSOLETE tombstones; timed from the first reaper cycle (batch
 * {@code --batch}, the posix RSE measured each cycle) until none is left. Verified: no replica row and no file left on
 * disk, and the bytes freed are the bytes registered.
 */
final class Reaping {

    static final int FILE_BYTES = 1_024;
    private static final int SETUP_BATCH = 5_000;

    private final Options options;
    private final Clock clock;

    Reaping(Options options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    Map<String, Object> run() {
        try (HeapMeter heap = HeapMeter.start(); TempStore temp = TempStore.open(options, "reaper")) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("scenario", Options.REAPER);
            f.put("files", options.files());
            f.put("file_bytes", FILE_BYTES);
            Store store = temp.store();
            Catalog catalog = Catalog.of(store, clock);
            Workload w = Workload.of(options);
            catalog.prepare(w);
            Path prefix = temp.home().resolve("posix-rse");
            RseProtocolStore protocols = new RseProtocolStore(store);
            protocols.add(w.rse(), Map.of("scheme", "file", "prefix", prefix.toString(),
                    "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1))));

            long setup = System.nanoTime();
            byte[] content = new byte[FILE_BYTES];
            String rseId = store.read(tx -> tx.run("MATCH (r:Rse {rse: $rse}) RETURN r.id", Map.of("rse", w.rse()))
                    .single().get(0).asString());
            long now = clock.millis();
            // The catalog rows as registration writes them, in raw batches: the reaper is what is timed, not setup.
            for (int from = 0; from < w.files(); from += SETUP_BATCH) {
                List<Map<String, Object>> rows = new ArrayList<>(SETUP_BATCH);
                for (int i = from; i < Math.min(w.files(), from + SETUP_BATCH); i++) {
                    String path = Lfn2Pfn.path(Lfn2Pfn.HASH, w.scope(), w.fileName(i));
                    write(prefix.resolve(path), content);
                    rows.add(row(w, i, rseId, path, now));
                }
                store.write(tx -> tx.run("""
                        UNWIND $rows AS row
                        CREATE (f:Did) SET f = row.did
                        WITH f, row
                        MATCH (rse:Rse {id: row.rel.rse_id})
                        CREATE (f)-[r:REPLICA]->(rse) SET r = row.rel
                        """, Map.of("rows", rows)).consume());
            }
            f.put("setup_s", seconds(System.nanoTime() - setup));

            Reaper reaper = new Reaper(new ReaperStore(store, clock), protocols,
                    new StorageProtocols(Map.of("file", new PosixStorage())), options.batch(), SpaceProbe.POSIX);
            long cpu0 = CpuClock.nanos();
            long started = System.nanoTime();
            int cycles = 0;
            long deleted = 0;
            while (true) {
                int n = reaper.runOnce(Partition.whole()).items();
                if (n == 0) {
                    break;
                }
                deleted += n;
                cycles++;
            }
            long elapsed = System.nanoTime() - started;
            long cpu = CpuClock.nanos() - cpu0;

            long rows = store.read(tx -> tx.run("MATCH ()-[r:REPLICA]->() RETURN count(r)").single().get(0).asLong());
            long onDisk = filesUnder(prefix);
            if (rows != 0 || onDisk != 0 || deleted != w.files()) {
                throw new BenchmarkFailed("expected " + w.files() + " deletions and no replica or file left, found "
                        + deleted + " deletions, " + rows + " replicas and " + onDisk + " files");
            }
            long bytes = (long) w.files() * FILE_BYTES;
            f.put("cycles", cycles);
            f.put("seconds", seconds(elapsed));
            f.put("deletions_per_s", Math.round(deleted / (elapsed / 1e9)));
            f.put("bytes_freed", bytes);
            f.put("bytes_freed_per_s", Math.round(bytes / (elapsed / 1e9)));
            f.put("cpu_s", seconds(cpu));
            f.put("load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            f.putAll(heap.figures());
            f.put("verified", true);
            return f;
        }
    }

    private static Map<String, Object> row(Workload w, int i, String rseId, String path, long now) {
        Map<String, Object> did = new HashMap<>();
        did.put("key", w.scope() + ":" + w.fileName(i));
        did.put("scope", w.scope());
        did.put("name", w.fileName(i));
        did.put("did_type", "FILE");
        did.put("account", w.account());
        did.put("bytes", (long) FILE_BYTES);
        did.put("adler32", w.adler32(i));
        did.put("created_at", now);
        did.put("updated_at", now);
        Map<String, Object> rel = new HashMap<>();
        rel.put("state", "AVAILABLE");
        rel.put("bytes", (long) FILE_BYTES);
        rel.put("rse_id", rseId);
        rel.put("path", path);
        rel.put("lock_cnt", 0L);
        rel.put("tombstone", Tombstones.OBSOLETE);
        rel.put("created_at", now);
        rel.put("updated_at", now);
        return Map.of("did", did, "rel", rel);
    }

    private static void write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long filesUnder(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1000.0;
    }
}
