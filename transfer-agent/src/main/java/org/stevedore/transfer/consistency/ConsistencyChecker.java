package org.stevedore.transfer.consistency;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseStore;

/**
 * Runs the consistency check of each RSE of its partition (by RSE id) once per {@code every}, one RSE per cycle, for
 * the RSEs that have a listing source ({@link ListingSources}); an RSE whose check is under way already is skipped.
 */
public final class ConsistencyChecker implements Worker {

    private final RseStore rses;
    private final ConsistencyStore store;
    private final ConsistencyCheck check;
    private final ListingSources sources;
    private final Clock clock;
    private final Duration every;

    public ConsistencyChecker(RseStore rses, ConsistencyStore store, ConsistencyCheck check, ListingSources sources,
                              Clock clock, Duration every) {
        this.rses = rses;
        this.store = store;
        this.check = check;
        this.sources = sources;
        this.clock = clock;
        this.every = every;
    }

    @Override
    public String executable() {
        return "auditor";
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        List<Rse> mine = rses.list().stream().filter(r -> partition.owns(r.id())).toList();
        if (mine.isEmpty()) {
            return WorkResult.nothing();
        }
        Map<String, Long> last = store.lastRuns(mine.stream().map(Rse::id).toList());
        long due = clock.millis() - every.toMillis();
        for (Rse rse : mine) {
            Long at = last.get(rse.id());
            if (at != null && at > due) {
                continue;
            }
            Optional<StorageListing> listing = sources.forRse(rse.rse());
            if (listing.isPresent()) {
                try {
                    check.run(rse.rse(), listing.get());
                } catch (Duplicate running) {
                    // An admin's run (or another process's) is under way: it is this RSE's check for now.
                    continue;
                }
                return WorkResult.of(1);
            }
        }
        return WorkResult.nothing();
    }
}
