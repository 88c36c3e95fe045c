package org.stevedore.transfer.consistency;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.replica.BadReplicaStore;
import org.stevedore.catalog.replica.BadState;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocol;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.transfer.storage.StorageException;
import org.stevedore.transfer.storage.StorageProtocols;

/**
 * The consistency check of one RSE, Rucio's auditor: a storage listing compared with the catalog's replicas of the
 * RSE by a streaming merge of two path-ordered streams (neither side is held in memory). A replica AVAILABLE in the
 * catalog and older than the listing but not on storage is missing: declared BAD (reason {@value #REASON}), for the
 * recovery to copy again or mark lost. A file on storage that no replica claims is dark: reported, and once it has
 * been dark in every run for the grace period (and still no replica claims it), deleted at the RSE's prefix + its
 * path, never elsewhere.
 */
public final class ConsistencyCheck {

    /** The reason missing replicas are declared bad with. */
    public static final String REASON = "consistency check";

    private static final Logger log = LoggerFactory.getLogger(ConsistencyCheck.class);

    /**
     * @param darkGrace      how long a file must have been dark, in consecutive runs, before it is deleted
     * @param deleteDark     whether dark files past their grace are deleted (else only reported)
     * @param findingsKept   missing and dark paths recorded per run and kind (the counts are exact)
     * @param page           catalog replicas read per query, and declarations per transaction
     */
    public record Settings(Duration darkGrace, boolean deleteDark, int findingsKept, int page) {
        public static Settings defaults() {
            return new Settings(Duration.ofDays(7), true, 10_000, 5_000);
        }
    }

    private final ConsistencyStore store;
    private final BadReplicaStore declarations;
    private final RseProtocolStore protocols;
    private final StorageProtocols storage;
    private final Clock clock;
    private final Settings settings;

    public ConsistencyCheck(ConsistencyStore store, BadReplicaStore declarations, RseProtocolStore protocols,
                            StorageProtocols storage, Clock clock, Settings settings) {
        this.store = store;
        this.declarations = declarations;
        this.protocols = protocols;
        this.storage = storage;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * Checks RSE {@code rse} against {@code listing} now, in this thread; answers the run (also when it failed: state
     * FAILED), or {@link org.stevedore.catalog.error.Duplicate} when a run of the RSE is under way already.
     */
    public ConsistencyStore.Run run(String rse, StorageListing listing) {
        Started started = start(rse, listing);
        return complete(started, listing);
    }

    /** A run recorded RUNNING, not yet done. */
    public record Started(String runId, String rse, String rseId, long startedAt) {
    }

    /**
     * Records a RUNNING run of the RSE, or {@link org.stevedore.catalog.error.Duplicate} when one is under way (a
     * RUNNING run without a heartbeat for {@link #STALE} is ended FAILED first: its process died).
     */
    public Started start(String rse, StorageListing listing) {
        String rseId = store.rseId(rse);
        long start = clock.millis();
        String runId = store.start(rseId, rse, listing.source(), listing.listedAt(), start, start - STALE.toMillis());
        return new Started(runId, rse, rseId, start);
    }

    /** Does the run {@link #start} recorded: lists, merges, declares, deletes, and records its end. */
    public ConsistencyStore.Run complete(Started started, StorageListing listing) {
        String rse = started.rse();
        String rseId = started.rseId();
        String runId = started.runId();
        long start = started.startedAt();
        Counts counts = new Counts();
        String state = "DONE";
        String error = null;
        try (StorageListing.Paths paths = listing.open()) {
            merge(rse, rseId, runId, paths, listing.listedAt().toEpochMilli(), start, counts);
            counts.refused = paths.refused();
            store.forgetUnseen(rseId, start);
            if (settings.deleteDark()) {
                counts.darkDeleted = deleteDark(rse, rseId, start);
            }
        } catch (IOException | RuntimeException e) {
            state = "FAILED";
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            log.warn("Consistency check of {} failed: {}", rse, error);
        }
        store.finish(runId, state, counts.asMap(), error, clock.millis());
        log.info("Consistency check of {} ({}): {} on storage, {} in the catalog, {} missing, {} dark, {} deleted",
                rse, listing.source(), counts.storage, counts.catalog, counts.missing, counts.dark, counts.darkDeleted);
        return store.run(rseId, runId).orElseThrow();
    }

    /** A RUNNING run whose heartbeat is older than this was left by a process that died. */
    public static final Duration STALE = Duration.ofMinutes(10);
    /** How often a run says it is alive (at most; checked when it reads a page of the catalog). */
    static final Duration HEARTBEAT = Duration.ofSeconds(30);

    private static final class Counts {
        long storage;
        long catalog;
        long missing;
        long dark;
        long darkDeleted;
        long refused;

        Map<String, Long> asMap() {
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("storage_files", storage);
            m.put("catalog_files", catalog);
            m.put("missing", missing);
            m.put("dark", dark);
            m.put("dark_deleted", darkDeleted);
            m.put("refused", refused);
            return m;
        }
    }

    private void merge(String rse, String rseId, String runId, StorageListing.Paths onStorage, long listedAt,
                       long now, Counts counts) {
        CatalogCursor catalog = new CatalogCursor(rseId, runId);
        List<ConsistencyStore.CatalogEntry> missing = new ArrayList<>();
        List<String> dark = new ArrayList<>();
        String s = onStorage.hasNext() ? onStorage.next() : null;
        ConsistencyStore.CatalogEntry c = catalog.next();
        while (s != null || c != null) {
            int order = s == null ? 1 : c == null ? -1 : s.compareTo(c.path());
            if (order == 0) {
                counts.storage++;
                counts.catalog++;
                s = onStorage.hasNext() ? onStorage.next() : null;
                c = catalog.next();
            } else if (order < 0) {
                counts.storage++;
                counts.dark++;
                dark.add(s);
                s = onStorage.hasNext() ? onStorage.next() : null;
            } else {
                counts.catalog++;
                // Only a replica the storage should have held when it was listed: one registered or copied since is not.
                if ("AVAILABLE".equals(c.state()) && c.createdAt() < listedAt) {
                    counts.missing++;
                    missing.add(c);
                }
                c = catalog.next();
            }
            if (missing.size() >= settings.page()) {
                flushMissing(rse, runId, missing, counts);
            }
            if (dark.size() >= settings.page()) {
                flushDark(rseId, runId, dark, counts, now);
            }
        }
        flushMissing(rse, runId, missing, counts);
        flushDark(rseId, runId, dark, counts, now);
    }

    private void flushMissing(String rse, String runId, List<ConsistencyStore.CatalogEntry> missing, Counts counts) {
        if (missing.isEmpty()) {
            return;
        }
        List<BadReplicaStore.Item> items = new ArrayList<>(missing.size());
        for (ConsistencyStore.CatalogEntry e : missing) {
            DidRef did = DidRef.fromKey(e.key());
            items.add(BadReplicaStore.Item.of(did.scope(), did.name(), rse));
        }
        // Already declared (a BAD declaration still waiting for the recovery) is answered back and left as it is.
        declarations.declare(items, BadState.BAD, REASON, "root", null, false);
        record(runId, "MISSING", missing.stream().map(ConsistencyStore.CatalogEntry::path).toList(),
                counts.missing - missing.size());
        missing.clear();
    }

    private void flushDark(String rseId, String runId, List<String> dark, Counts counts, long now) {
        if (dark.isEmpty()) {
            return;
        }
        store.seenDark(rseId, dark, now);
        record(runId, "DARK", dark, counts.dark - dark.size());
        dark.clear();
    }

    /** Records paths as findings while the run has recorded fewer than the cap of that kind. */
    private void record(String runId, String kind, List<String> paths, long recordedBefore) {
        long room = settings.findingsKept() - recordedBefore;
        if (room > 0) {
            store.findings(runId, kind, List.copyOf(paths.subList(0, (int) Math.min(room, paths.size()))));
        }
    }

    /** Deletes the dark files past their grace, at the RSE's deletion protocol's prefix + path. */
    private long deleteDark(String rse, String rseId, long runStart) {
        long before = runStart - settings.darkGrace().toMillis();
        RseProtocol protocol = RseProtocol.best(protocols.listByRse(List.of(rse)).get(rse), RseProtocol::deleteWan);
        if (protocol == null) {
            return 0;
        }
        long deleted = 0;
        while (true) {
            List<String> due = store.dueForDeletion(rseId, runStart, before, settings.page());
            if (due.isEmpty()) {
                return deleted;
            }
            List<String> gone = new ArrayList<>(due.size());
            for (String path : due) {
                String pfn = Lfn2Pfn.pfn(protocol, path);
                try {
                    storage.forPfn(pfn).delete(pfn);
                    gone.add(path);
                } catch (StorageException e) {
                    log.warn("Dark file {} of {} not deleted: {}", pfn, rse, e.getMessage());
                }
            }
            store.deleted(rseId, gone);
            deleted += gone.size();
            if (gone.size() < due.size()) {
                return deleted;
            }
        }
    }

    /** The catalog's replicas of the RSE in path order, a page at a time. */
    private final class CatalogCursor {
        private final String rseId;
        private final String runId;
        private List<ConsistencyStore.CatalogEntry> page = List.of();
        private int at;
        private String after = "";
        private boolean done;
        private long lastBeat = clock.millis();

        CatalogCursor(String rseId, String runId) {
            this.rseId = rseId;
            this.runId = runId;
        }

        ConsistencyStore.CatalogEntry next() {
            if (at >= page.size()) {
                if (done) {
                    return null;
                }
                long now = clock.millis();
                if (now - lastBeat >= HEARTBEAT.toMillis()) {
                    store.heartbeat(runId, now);
                    lastBeat = now;
                }
                page = store.page(rseId, after, settings.page());
                at = 0;
                done = page.size() < settings.page();
                if (page.isEmpty()) {
                    return null;
                }
                after = page.get(page.size() - 1).path();
            }
            return page.get(at++);
        }
    }
}
