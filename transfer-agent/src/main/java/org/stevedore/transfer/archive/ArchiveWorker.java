package org.stevedore.transfer.archive;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.transfer.store.ArchiveStore;
import org.stevedore.transfer.store.ArchiveStore.Waiting;
import org.stevedore.transfer.store.RequestOutcomes;
import org.stevedore.transfer.store.RetryPolicy;

/**
 * Archive confirmation: a copy written to a TAPE RSE counts as on tape only once the tape system says so. Each cycle
 * takes the partition's ARCHIVING requests, asks each RSE's tape system about their files in one batched
 * {@code archiveinfo} per RSE, and ends them in one transaction: on tape, DONE (replica AVAILABLE, locks OK); unknown
 * to the tape system or LOST, a failed attempt (retried per the policy, then FAILED with the locks STUCK); DISK only,
 * left waiting. An endpoint that does not answer concludes nothing: its files are asked about again next cycle.
 */
public final class ArchiveWorker implements Worker {

    private static final Logger log = LoggerFactory.getLogger(ArchiveWorker.class);
    public static final String EXECUTABLE = "conveyor-archive";

    private final ArchiveStore store;
    private final RequestOutcomes outcomes;
    private final TapeArchives archives;
    private final RetryPolicy retry;
    private final int batch;

    /** @param batch ARCHIVING requests looked at per cycle */
    public ArchiveWorker(ArchiveStore store, RequestOutcomes outcomes, TapeArchives archives, RetryPolicy retry,
                         int batch) {
        this.store = store;
        this.outcomes = outcomes;
        this.archives = archives;
        this.retry = retry;
        this.batch = batch;
    }

    @Override
    public String executable() {
        return EXECUTABLE;
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        Map<String, List<Waiting>> byRse = new LinkedHashMap<>();
        store.waiting(partition, batch).forEach(w -> byRse.computeIfAbsent(w.rse(), r -> new ArrayList<>()).add(w));
        List<String> archived = new ArrayList<>();
        List<RequestOutcomes.Outcome> failed = new ArrayList<>();
        byRse.forEach((rse, waiting) -> {
            if (!archives.confirms(rse)) {
                // Its tape endpoint went away (configuration): nothing can confirm, so as before, the copy counts.
                log.warn("{} copies to {} wait for archive confirmation, but no tape endpoint serves it any more;"
                        + " counted as archived", waiting.size(), rse);
                waiting.forEach(w -> archived.add(w.requestKey()));
                return;
            }
            Map<String, TapeArchives.Archive> info;
            try {
                info = archives.archiveInfo(rse, waiting.stream().map(Waiting::path).toList());
            } catch (RuntimeException e) {
                log.warn("Archive confirmation: the tape endpoint of {} did not answer for {} file(s); asking again"
                        + " next cycle: {}", rse, waiting.size(), e.getMessage());
                return;
            }
            for (Waiting w : waiting) {
                TapeArchives.Archive a = info.get(w.path());
                if (a == null) {
                    continue;
                }
                if (a.onTape()) {
                    archived.add(w.requestKey());
                } else if (a.error() != null) {
                    failed.add(new RequestOutcomes.Outcome(w.requestKey(), false,
                            "Archive confirmation from " + rse + ": " + a.error()));
                }
            }
        });
        if (!archived.isEmpty()) {
            outcomes.archived(archived);
        }
        if (!failed.isEmpty()) {
            outcomes.finish(failed, retry);
        }
        if (!archived.isEmpty() || !failed.isEmpty()) {
            log.info("Archive confirmation: {} file(s) on tape, {} failed", archived.size(), failed.size());
        }
        return WorkResult.of(archived.size() + failed.size());
    }
}
