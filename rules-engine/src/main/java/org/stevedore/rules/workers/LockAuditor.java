package org.stevedore.rules.workers;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.rules.store.LockAudit;

/**
 * Reports, as a warning in the log, REPLICATING locks that wait for a transfer nobody will make (see
 * {@link LockAudit}): such a rule sits REPLICATING for ever with no error, which only an audit shows. Runs beside the
 * repairer, at most once per {@code every} on its partition; the audit reads, it changes nothing.
 */
public final class LockAuditor implements Worker {

    private static final Logger log = LoggerFactory.getLogger(LockAuditor.class);

    /** Every five minutes: a breach is a bug to report, not an emergency, and the audit reads every lock in flight. */
    public static final Duration DEFAULT_EVERY = Duration.ofMinutes(5);

    private final LockAudit audit;
    private final Clock clock;
    private final Duration every;
    private final int examples;
    private volatile long nextAt;

    /** @param examples breaches named in the warning at most (the count is of these too) */
    public LockAuditor(LockAudit audit, Clock clock, Duration every, int examples) {
        this.audit = audit;
        this.clock = clock;
        this.every = every;
        this.examples = examples;
    }

    @Override
    public String executable() {
        return "judge-lock-audit";
    }

    /** Always "nothing done", so that its daemon sleeps between audits; the breaches found, for tests. */
    @Override
    public WorkResult runOnce(Partition partition) {
        audit(partition);
        return WorkResult.nothing();
    }

    /** Audits {@code partition} if due: answers the breaches reported (empty when not due or none). */
    public List<LockAudit.Breach> audit(Partition partition) {
        long now = clock.millis();
        if (now < nextAt) {
            return List.of();
        }
        nextAt = now + every.toMillis();
        List<LockAudit.Breach> breaches = audit.breaches(partition, examples);
        if (!breaches.isEmpty()) {
            log.warn("{}{} REPLICATING lock(s) wait for a transfer that no live request will make: {}",
                    breaches.size() >= examples ? "at least " : "", breaches.size(), breaches);
        }
        return breaches;
    }
}
