package org.stevedore.catalog.daemon;

import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.stevedore.catalog.metrics.StevedoreMetrics;
import org.stevedore.catalog.time.Sleeper;

/** The loop of one worker thread: beat, run one cycle on the partition, wait if idle or failing, until stopped. */
final class WorkerLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(WorkerLoop.class);
    static final String MDC_EXECUTABLE = "executable";
    static final String MDC_WORKER = "worker";
    static final String MDC_PARTITION = "partition";

    private final Worker worker;
    private final WorkerId id;
    private final HeartbeatStore heartbeats;
    private final DaemonSettings settings;
    private final Sleeper sleeper;
    private final CountDownLatch stop;

    private final AtomicLong cycles = new AtomicLong();
    private final AtomicLong items = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** The same figures for the metrics, by executable: every worker of the framework counted in one place. */
    private final Counter cycleCount;
    private final Counter itemCount;
    private final Counter errorCount;
    private volatile int consecutiveFailures;
    private volatile Partition partition;

    WorkerLoop(Worker worker, WorkerId id, HeartbeatStore heartbeats, DaemonSettings settings, Sleeper sleeper,
               CountDownLatch stop) {
        this.worker = worker;
        this.id = id;
        this.heartbeats = heartbeats;
        this.settings = settings;
        this.sleeper = sleeper;
        this.stop = stop;
        String executable = id.executable();
        this.cycleCount = StevedoreMetrics.counter(StevedoreMetrics.WORKER_CYCLES, "Cycles a worker completed",
                StevedoreMetrics.WORKER, executable);
        this.itemCount = StevedoreMetrics.counter(StevedoreMetrics.WORKER_ITEMS, "Items a worker's cycles handled",
                StevedoreMetrics.WORKER, executable);
        this.errorCount = StevedoreMetrics.counter(StevedoreMetrics.WORKER_ERRORS, "Cycles of a worker that failed",
                StevedoreMetrics.WORKER, executable);
    }

    WorkerId id() {
        return id;
    }

    WorkerStatus status(boolean running) {
        return new WorkerStatus(id, partition, cycles.get(), items.get(), failures.get(), consecutiveFailures, running);
    }

    /** One cycle on the caller's thread, exceptions propagated: what {@link Daemon#runOnce()} drives. */
    WorkResult runOnceHere() throws Exception {
        String previousExecutable = MDC.get(MDC_EXECUTABLE);
        String previousWorker = MDC.get(MDC_WORKER);
        MDC.put(MDC_EXECUTABLE, id.executable());
        MDC.put(MDC_WORKER, id.thread());
        try {
            return cycle();
        } finally {
            restore(MDC_EXECUTABLE, previousExecutable);
            restore(MDC_WORKER, previousWorker);
        }
    }

    private WorkResult cycle() throws Exception {
        // Without a fresh beat the partition may be stale and overlap another worker's, so a failed beat skips the work.
        Partition current = heartbeats.beat(id);
        partition = current;
        MDC.put(MDC_PARTITION, current.toString());
        try {
            WorkResult result = worker.runOnce(current);
            cycles.incrementAndGet();
            items.addAndGet(result.items());
            cycleCount.increment();
            itemCount.increment(result.items());
            consecutiveFailures = 0;
            return result;
        } finally {
            MDC.remove(MDC_PARTITION);
        }
    }

    @Override
    public void run() {
        MDC.put(MDC_EXECUTABLE, id.executable());
        MDC.put(MDC_WORKER, id.thread());
        log.info("Worker {} started", id.key());
        try {
            while (stop.getCount() > 0) {
                Duration pause = cycleNeverThrowing();
                if (pause != null && !pause.isZero() && stop.getCount() > 0) {
                    sleeper.sleep(pause, stop);
                }
            }
        } catch (InterruptedException e) {
            log.info("Worker {} interrupted", id.key());
        } finally {
            removeHeartbeat();
            log.info("Worker {} stopped after {} cycles, {} items, {} failures",
                    id.key(), cycles.get(), items.get(), failures.get());
            MDC.clear();
        }
    }

    /** Runs a cycle and answers how long to wait before the next: nothing if it worked, idle sleep, or back-off. */
    private Duration cycleNeverThrowing() throws InterruptedException {
        try {
            return cycle().didWork() ? Duration.ZERO : settings.idleSleep();
        } catch (InterruptedException e) {
            throw e;
        } catch (VirtualMachineError e) {
            throw e; // out of memory and the like: the process is in trouble, not this cycle
        } catch (Exception | Error e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("interrupted during a cycle");
            }
            failures.incrementAndGet();
            errorCount.increment();
            int streak = ++consecutiveFailures;
            Duration delay = settings.backoff().delay(streak, ThreadLocalRandom.current().nextDouble());
            if (streak == 1) {
                log.warn("Worker {} cycle failed; retrying in {} ms", id.key(), delay.toMillis(), e);
            } else {
                log.warn("Worker {} cycle failed {} times in a row ({}); retrying in {} ms",
                        id.key(), streak, e.toString(), delay.toMillis());
            }
            return delay;
        }
    }

    private void removeHeartbeat() {
        // A pending interrupt could abort this last write; clear it for the write, then restore it.
        boolean interrupted = Thread.interrupted();
        try {
            heartbeats.remove(id);
        } catch (RuntimeException e) {
            log.warn("Worker {} could not remove its heartbeat; it expires after {}", id.key(), heartbeats.timeout(), e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void restore(String key, String previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
