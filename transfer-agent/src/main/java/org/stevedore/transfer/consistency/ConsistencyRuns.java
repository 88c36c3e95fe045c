package org.stevedore.transfer.consistency;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consistency checks asked for over the API, run in the background: a check of a million files lasts minutes, longer
 * than an HTTP request should, so the caller gets the RUNNING run at once and follows it by its id. At most one run
 * per RSE (in any process): a second start while one is under way is refused ({@link
 * org.stevedore.catalog.error.Duplicate}). Runs of different RSEs run side by side, up to {@code threads}; more wait.
 */
public final class ConsistencyRuns implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsistencyRuns.class);

    private final ConsistencyCheck check;
    private final ConsistencyStore store;
    private final Clock clock;
    private final ExecutorService executor;

    public ConsistencyRuns(ConsistencyCheck check, ConsistencyStore store, Clock clock, int threads) {
        this.check = check;
        this.store = store;
        this.clock = clock;
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "consistency-run");
            t.setDaemon(true);
            return t;
        });
    }

    /** Records the run RUNNING and starts it; answers it as recorded. */
    public ConsistencyStore.Run start(String rse, StorageListing listing) {
        ConsistencyCheck.Started started = check.start(rse, listing);
        try {
            executor.execute(() -> {
                try {
                    check.complete(started, listing);
                } catch (RuntimeException e) {
                    // complete() records its own failures; this is the store failing under it.
                    log.warn("Consistency run {} of {} ended abnormally: {}", started.runId(), rse, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            store.finish(started.runId(), "FAILED", Map.of(), "the service is stopping", clock.millis());
            throw e;
        }
        return store.run(started.rseId(), started.runId()).orElseThrow();
    }

    /** Runs under way are interrupted at shutdown; the next start after {@link ConsistencyCheck#STALE} ends them. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
