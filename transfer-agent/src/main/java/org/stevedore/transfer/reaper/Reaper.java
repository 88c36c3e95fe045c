package org.stevedore.transfer.reaper;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
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
 * Deletes tombstoned, unlocked replicas per RSE (RSEs partitioned among reapers by name), oldest tombstone first and
 * only as much as brings the RSE back to its MinFreeSpace, or everything eligible on a greedy RSE. A replica's row
 * goes only once the storage confirmed the deletion (or said the file was not there); a failed deletion stays
 * BEING_DELETED and is tried first next time. A replica whose path another replica claims loses its row without its
 * file being deleted ({@link ReaperStore#claim}).
 */
public final class Reaper implements Worker {

    private static final Logger log = LoggerFactory.getLogger(Reaper.class);

    private final ReaperStore reaper;
    private final RseProtocolStore protocols;
    private final StorageProtocols storage;
    private final int batch;

    public Reaper(ReaperStore reaper, RseProtocolStore protocols, StorageProtocols storage, int batch) {
        this.reaper = reaper;
        this.protocols = protocols;
        this.storage = storage;
        this.batch = batch;
    }

    @Override
    public String executable() {
        return "reaper";
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        int deleted = 0;
        for (Space space : reaper.spaces()) {
            if (!partition.owns(space.rse())) {
                continue;
            }
            long needed;
            if (space.greedy()) {
                needed = -1;
            } else if (space.minFreeSpace() != null && space.free() != null && space.free() < space.minFreeSpace()) {
                needed = space.minFreeSpace() - space.free();
            } else {
                continue;
            }
            List<Victim> victims = reaper.claim(space.rseId(), needed, batch);
            if (!victims.isEmpty()) {
                deleted += delete(space, victims);
            }
        }
        return WorkResult.of(deleted);
    }

    private int delete(Space space, List<Victim> claimed) {
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
        RseProtocol protocol = RseProtocol.best(protocols.listByRse(List.of(space.rse())).get(space.rse()),
                RseProtocol::deleteWan);
        if (protocol == null) {
            log.warn("RSE {} has no protocol for deletion; {} replica(s) wait", space.rse(), victims.size());
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
            log.info("Reaped {} replica(s), {} bytes, on {}", gone.size(), bytes, space.rse());
        }
        return gone.size() + kept;
    }

}
