package org.stevedore.transfer.reaper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.catalog.metrics.StevedoreMetrics;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocol;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.transfer.storage.Deletion;
import org.stevedore.transfer.storage.StorageException;
import org.stevedore.transfer.storage.StorageProtocols;
import org.stevedore.transfer.store.ReaperStore;
import org.stevedore.transfer.store.ReaperStore.Space;
import org.stevedore.transfer.store.ReaperStore.Victim;

/**
 * Deletes tombstoned, unlocked replicas per RSE (RSEs partitioned among reapers by name), as Rucio's reaper does:
 * replicas whose tombstone says OBSOLETE (the epoch) go whatever the free space; replicas with an LRU tombstone go
 * only when space is needed (down to the RSE's {@code MinFreeSpace}, least recently accessed first, never more than
 * needed), or all of them on an RSE with {@code greedyDeletion=true}. The need is computed from a fresh figure: a posix
 * RSE is measured on its file system ({@link SpaceProbe}) every cycle, and every deletion moves the recorded usage.
 * A replica's row goes only once the storage confirmed the deletion (or said the file was not there); a failed
 * deletion stays BEING_DELETED and is tried first next time. A replica whose path another replica claims loses its
 * row without its file being deleted ({@link ReaperStore#claimObsolete}). Orphaned partial copies of local
 * transfers ({@code .stevedore-part}) under posix prefixes are removed at start and every hour ({@link PartFileSweeper}).
 */
public final class Reaper implements Worker {

    private static final Logger log = LoggerFactory.getLogger(Reaper.class);
    /** A partial copy this old is no copy's any more: a local copy writes or places its file within seconds. */
    public static final Duration PART_FILE_MIN_AGE = Duration.ofMinutes(30);
    public static final Duration SWEEP_EVERY = Duration.ofHours(1);

    private final ReaperStore reaper;
    private final RseProtocolStore protocols;
    private final StorageProtocols storage;
    private final int batch;
    private final SpaceProbe probe;
    private final PartFileSweeper sweeper;
    private final Duration sweepEvery;
    private final Clock clock;
    /** RSE name -> when its prefix was last swept for orphaned partial copies; empty at start, so start sweeps. */
    private final Map<String, Instant> swept = new HashMap<>();

    /**
     * A reaper that measures posix RSEs itself and removes orphaned {@code .stevedore-part} files under their prefix
     * (older than {@link #PART_FILE_MIN_AGE}) at start and every {@link #SWEEP_EVERY}.
     */
    public Reaper(ReaperStore reaper, RseProtocolStore protocols, StorageProtocols storage, int batch) {
        this(reaper, protocols, storage, batch, SpaceProbe.POSIX,
                new PartFileSweeper(Clock.systemUTC(), PART_FILE_MIN_AGE), SWEEP_EVERY, Clock.systemUTC());
    }

    /** A reaper with the given space probe, that sweeps no partial copies. */
    public Reaper(ReaperStore reaper, RseProtocolStore protocols, StorageProtocols storage, int batch,
                  SpaceProbe probe) {
        this(reaper, protocols, storage, batch, probe, null, SWEEP_EVERY, Clock.systemUTC());
    }

    /**
     * @param sweeper    removes orphaned partial copies under posix prefixes (null: none)
     * @param sweepEvery how often each RSE is swept after the first cycle
     */
    public Reaper(ReaperStore reaper, RseProtocolStore protocols, StorageProtocols storage, int batch,
                  SpaceProbe probe, PartFileSweeper sweeper, Duration sweepEvery, Clock clock) {
        this.reaper = reaper;
        this.protocols = protocols;
        this.storage = storage;
        this.batch = batch;
        this.probe = probe;
        this.sweeper = sweeper;
        this.sweepEvery = sweepEvery;
        this.clock = clock;
    }

    @Override
    public String executable() {
        return "reaper";
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        int deleted = 0;
        for (Space listed : reaper.spaces()) {
            if (!partition.owns(listed.rse())) {
                continue;
            }
            RseProtocol protocol = RseProtocol.best(protocols.listByRse(List.of(listed.rse())).get(listed.rse()),
                    RseProtocol::deleteWan);
            if (protocol == null) {
                continue;
            }
            sweep(listed.rse(), protocol);
            measure(listed, protocol);
            int obsolete = delete(listed, protocol, reaper.claimObsolete(listed.rseId(), batch));
            if (obsolete > 0) {
                // The need is read after the obsolete deletions: measured again where the storage can be measured.
                measure(listed, protocol);
            }
            deleted += obsolete;
            Space space = reaper.space(listed.rseId());
            if (space != null) {
                deleted += delete(space, protocol, reaper.claimLru(space.rseId(), space.needed(), batch));
            }
        }
        return WorkResult.of(deleted);
    }

    private void sweep(String rse, RseProtocol protocol) {
        if (sweeper == null) {
            return;
        }
        Instant now = clock.instant();
        Instant last = swept.get(rse);
        if (last == null || !now.isBefore(last.plus(sweepEvery))) {
            swept.put(rse, now);
            sweeper.sweep(rse, protocol);
        }
    }

    private void measure(Space space, RseProtocol protocol) {
        SpaceProbe.Measured m = probe.measure(protocol);
        if (m != null) {
            reaper.measured(space.rseId(), m.used(), m.free());
        }
    }

    private int delete(Space space, RseProtocol protocol, List<Victim> claimed) {
        if (claimed.isEmpty()) {
            return 0;
        }
        List<Victim> victims = new ArrayList<>(claimed.size());
        int kept = 0;
        for (Victim v : claimed) {
            if (v.shared()) {
                // Its row went in the claim's transaction; the file is another replica's too.
                log.warn("Replica {} on {} removed from the catalog but its file {} kept: another replica claims "
                        + "that path", v.fileKey(), space.rse(), v.path());
                kept++;
            } else {
                victims.add(v);
            }
        }
        if (victims.isEmpty()) {
            return kept;
        }
        List<Victim> gone = new ArrayList<>(victims.size());
        long bytes = 0;
        for (Victim v : victims) {
            if (v.path() == null) {
                continue;
            }
            String pfn = Lfn2Pfn.pfn(protocol, v.path());
            try {
                Deletion result = storage.forPfn(pfn).delete(pfn);
                if (result == Deletion.ALREADY_ABSENT) {
                    log.info("Replica {} on {} was already gone from storage", v.fileKey(), space.rse());
                }
                gone.add(v);
                bytes += v.bytes();
            } catch (StorageException e) {
                log.warn("Deleting {} from {} failed, will retry: {}", v.fileKey(), space.rse(), e.getMessage());
            }
        }
        reaper.deleted(gone);
        if (!gone.isEmpty()) {
            StevedoreMetrics.counter(StevedoreMetrics.REAPER_DELETIONS, "Replicas the reaper deleted from storage",
                    StevedoreMetrics.RSE, space.rse()).increment(gone.size());
            StevedoreMetrics.counter(StevedoreMetrics.REAPER_BYTES_FREED, "Bytes of the replicas the reaper deleted",
                    StevedoreMetrics.RSE, space.rse()).increment(bytes);
            log.info("Reaped {} replica(s), {} bytes, on {}", gone.size(), bytes, space.rse());
        }
        return gone.size() + kept;
    }

}
