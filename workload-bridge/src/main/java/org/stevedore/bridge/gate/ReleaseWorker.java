package org.stevedore.bridge.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.bridge.store.ReleaseStore.Released;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.replica.ReplicaAvailability;

/**
 * Drives the gate. Three sources, fastest first:
 * <ol>
 *   <li>the in-process wake-up ({@link ReplicaAvailability}): the transfer finisher's commit hands over its files and
 *       this worker, blocked on its queue, checks them within milliseconds;</li>
 *   <li>the outbox: {@code REPLICA_AVAILABLE} events read from this consumer's own position (kept in the store, with
 *       an overlap so a transaction that committed late is still seen), for finishes in other instances and for
 *       wake-ups lost in a restart; events are left in the outbox for other consumers. Of an event's files, each
 *       instance checks only those of its partition (by the file key's bucket), so with N instances a file is
 *       checked by its owner, not N times; the position is shared, and an instance that falls further behind it than
 *       the overlap leaves its files to the full check;</li>
 *   <li>a periodic full check of the partition's ACTIVE tasks, for replicas that became AVAILABLE without an event
 *       (registered directly) and RSE expressions that changed.</li>
 * </ol>
 * Releasing is idempotent (a released job is no longer HELD), so seeing a file twice costs one query.
 *
 * <p>In the service the woken files have a thread of their own ({@link #startWakeThread()}), so a release never waits
 * behind an outbox page or a full-check slice; the daemon's cycles then do only the two fallbacks. Both take the
 * task's lock before reading its jobs (see BridgeStore), so the two threads never release a job twice. Without that
 * thread (tests driving {@link #runOnce} by hand) a cycle handles its woken files first and between fallback steps.
 */
public final class ReleaseWorker implements Worker, ReplicaAvailability.Listener {

    private static final Logger log = LoggerFactory.getLogger(ReleaseWorker.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String EXECUTABLE = "bridge-release";
    private static final int EVENTS_PER_PAGE = 500;

    /**
     * @param wakeWait     how long a cycle with nothing to do blocks on the wake-up queue (zero in tests)
     * @param outboxEvery  period of the outbox poll
     * @param overlap      how far before its position the outbox is read again
     * @param fullEvery    period of the full check
     * @param batch        files per release transaction of woken files and of the outbox poll, and HELD jobs per
     *                     slice of the full check: the longest stretch a woken file waits behind other work
     */
    public record Settings(Duration wakeWait, Duration outboxEvery, Duration overlap, Duration fullEvery, int batch) {
        public Settings {
            if (batch < 1) {
                throw new IllegalArgumentException("batch must be at least 1, got " + batch);
            }
        }

        public Settings(Duration wakeWait, Duration outboxEvery, Duration overlap, Duration fullEvery) {
            this(wakeWait, outboxEvery, overlap, fullEvery, DEFAULT_BATCH);
        }

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(60),
                    Duration.ofSeconds(30));
        }
    }

    /** See {@link Settings#batch()}. */
    public static final int DEFAULT_BATCH = 200;
    /** Times one hand-over to the woken files drains the queue. */
    private static final int MAX_DRAINS = 4;

    /** The kinds of pass a cycle makes. */
    public enum Pass { WAKE, OUTBOX, FULL }

    /**
     * Hears of each pass the worker makes, with its {@link System#nanoTime()} bounds: what the release benchmark uses
     * to tell where the time of slow releases goes. {@code files} are the woken keys of a WAKE pass (empty otherwise);
     * the observer must not keep or change the collection. Runs on the worker's thread; must return quickly.
     */
    @FunctionalInterface
    public interface Observer {
        void pass(Pass pass, java.util.Collection<String> files, long startNanos, long endNanos);

        static Observer none() {
            return (pass, files, start, end) -> { };
        }
    }

    private final ReleaseGate gate;
    private final Events events;
    private final Clock clock;
    private final Settings settings;
    private final Observer observer;
    private final String consumer;
    private final LinkedBlockingQueue<List<String>> woken = new LinkedBlockingQueue<>();
    /** Outbox events already handled, by id, with their creation time (pruned behind the overlap). */
    private final Map<String, Long> seen = new HashMap<>();
    private long nextOutbox;
    private long nextFull;
    private volatile WakeThread wakeThread;

    public ReleaseWorker(ReleaseGate gate, Events events, Clock clock, Settings settings) {
        this(gate, events, clock, settings, Observer.none());
    }

    public ReleaseWorker(ReleaseGate gate, Events events, Clock clock, Settings settings, Observer observer) {
        this.observer = observer;
        this.gate = gate;
        this.events = events;
        this.clock = clock;
        this.settings = settings;
        this.consumer = EXECUTABLE;
    }

    @Override
    public String executable() {
        return EXECUTABLE;
    }

    /** The wake-up: called on the finisher's thread after its commit; only queues. */
    @Override
    public void available(List<String> fileKeys, List<String> rseIds) {
        woken.offer(fileKeys);
    }

    /**
     * One cycle. Woken files go first, in transactions of at most {@code batch} files; the outbox poll and the full
     * check, when due, work in bounded steps too and hand the worker back to the woken files after each step, so a
     * file woken during a long pass waits for one step, not for the whole pass.
     */
    @Override
    public WorkResult runOnce(Partition partition) throws InterruptedException {
        long now = clock.millis();
        boolean outboxDue = now >= nextOutbox;
        boolean fullDue = now >= nextFull;
        if (!outboxDue && !fullDue) {
            if (wakeThread != null) {
                // Woken files are the wake-up thread's: wait for the next fallback (at most wakeWait, so the daemon
                // still beats).
                long wait = Math.min(Math.min(nextOutbox, nextFull) - now, settings.wakeWait().toMillis());
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                return WorkResult.of(0);
            }
            if (woken.isEmpty() && !settings.wakeWait().isZero()) {
                List<String> first = woken.poll(settings.wakeWait().toMillis(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    woken.offer(first);
                }
            }
        }
        Counter done = new Counter();
        handOver(done);
        if (outboxDue) {
            pollOutbox(done, partition);
            nextOutbox = clock.millis() + settings.outboxEvery().toMillis();
        }
        if (fullDue) {
            long[] sliceStart = {System.nanoTime()};
            List<Released> released = gate.checkPartition(partition, settings.batch(), () -> {
                observer.pass(Pass.FULL, List.of(), sliceStart[0], System.nanoTime());
                handOver(done);
                sliceStart[0] = System.nanoTime();
            });
            done.add(ReleaseGate.jobs(released));
            nextFull = clock.millis() + settings.fullEvery().toMillis();
        }
        return WorkResult.of(done.n);
    }

    /** Between fallback steps: the woken files, unless the wake-up thread has them. */
    private void handOver(Counter done) {
        if (wakeThread == null) {
            wakeUps(done);
        }
    }

    /**
     * Starts the thread that releases for woken files as they come; {@link WakeThread#close()} stops it. A pass that
     * fails is logged and its files are left to the outbox poll, which reads the same events.
     */
    public synchronized WakeThread startWakeThread() {
        if (wakeThread != null) {
            throw new IllegalStateException("the wake-up thread already runs");
        }
        WakeThread thread = new WakeThread();
        wakeThread = thread;
        thread.start();
        return thread;
    }

    /** The thread of {@link #startWakeThread()}. */
    public final class WakeThread implements AutoCloseable {

        private final Thread thread = new Thread(this::loop, EXECUTABLE + "-wake");
        private volatile boolean stopped;

        private void start() {
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (!stopped) {
                try {
                    List<String> first = woken.poll(settings.wakeWait().toMillis(), TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    woken.offer(first);
                    wakeUps(new Counter());
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("Release for woken files failed; the outbox poll will see them: {}", e.toString());
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        }

        @Override
        public void close() {
            stopped = true;
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (ReleaseWorker.this) {
                wakeThread = null;
            }
        }
    }

    /** Items a cycle handled (released jobs plus woken files), for the daemon's idle decision. */
    private static final class Counter {
        private int n;

        void add(int more) {
            n += more;
        }
    }

    /**
     * Releases for the files woken so far, {@code batch} files per transaction, draining the queue again a few times
     * for files woken meanwhile (bounded, so that under a flood the cycle still ends, beats and polls).
     */
    private void wakeUps(Counter done) {
        for (int round = 0; round < MAX_DRAINS; round++) {
            List<String> all = List.copyOf(drain());
            if (all.isEmpty()) {
                return;
            }
            for (int from = 0; from < all.size(); from += settings.batch()) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + settings.batch()));
                long start = System.nanoTime();
                done.add(ReleaseGate.jobs(gate.filesAvailable(chunk)) + chunk.size());
                observer.pass(Pass.WAKE, chunk, start, System.nanoTime());
            }
        }
    }

    private Set<String> drain() {
        Set<String> keys = new LinkedHashSet<>();
        List<List<String>> batches = new ArrayList<>();
        woken.drainTo(batches);
        batches.forEach(keys::addAll);
        return keys;
    }

    /** Reads the outbox from this consumer's position (less the overlap), releases, and moves the position. */
    int pollOutbox() {
        return pollOutbox(Partition.whole());
    }

    /** {@link #pollOutbox()} for the files of {@code partition} only. */
    int pollOutbox(Partition partition) {
        Counter done = new Counter();
        pollOutbox(done, partition);
        return done.n;
    }

    private void pollOutbox(Counter done, Partition partition) {
        long step = System.nanoTime();
        long overlap = settings.overlap().toMillis();
        long position = events.position(consumer, clock.millis() - overlap);
        long from = position - overlap;
        String after = "";
        long newest = position;
        while (true) {
            List<Events.Event> page = events.since(Events.REPLICA_AVAILABLE, from, after, EVENTS_PER_PAGE);
            Set<String> keys = new LinkedHashSet<>();
            for (Events.Event e : page) {
                long at = e.createdAt().toEpochMilli();
                newest = Math.max(newest, at);
                if (seen.putIfAbsent(e.id(), at) == null) {
                    files(e).stream().filter(partition::owns).forEach(keys::add);
                }
            }
            List<String> all = List.copyOf(keys);
            for (int i = 0; i < all.size(); i += settings.batch()) {
                List<String> chunk = all.subList(i, Math.min(all.size(), i + settings.batch()));
                done.add(ReleaseGate.jobs(gate.filesAvailable(chunk)));
                observer.pass(Pass.OUTBOX, List.of(), step, System.nanoTime());
                handOver(done);
                step = System.nanoTime();
            }
            if (page.size() < EVENTS_PER_PAGE) {
                break;
            }
            Events.Event last = page.get(page.size() - 1);
            from = last.createdAt().toEpochMilli();
            after = last.id();
        }
        if (newest > position) {
            events.advance(consumer, newest);
        }
        long horizon = newest - overlap;
        seen.values().removeIf(at -> at < horizon);
        observer.pass(Pass.OUTBOX, List.of(), step, System.nanoTime());
    }

    private static List<String> files(Events.Event e) {
        try {
            JsonNode files = JSON.readTree(e.payload()).path("files");
            List<String> keys = new ArrayList<>(files.size());
            files.forEach(f -> keys.add(f.asText()));
            return keys;
        } catch (java.io.IOException ex) {
            log.warn("Outbox event {} has an unreadable payload; skipped", e.id());
            return List.of();
        }
    }
}
