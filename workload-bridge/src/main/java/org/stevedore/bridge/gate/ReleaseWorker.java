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
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.catalog.replica.ReplicaAvailability;
import org.stevedore.catalog.rule.Events;

/**
 * Drives the gate. Three sources, fastest first:
 * <ol>
 *   <li>the in-process wake-up ({@link ReplicaAvailability}): the transfer finisher's commit hands over its files and
 *       this worker, blocked on its queue, checks them within milliseconds;</li>
 *   <li>the outbox: {@code REPLICA_AVAILABLE} events read from this consumer's own position (kept in the store, with
 *       an overlap so a transaction that committed late is still seen), for finishes in other instances and for
 *       wake-ups lost in a restart; events are left in the outbox for other consumers;</li>
 *   <li>a periodic full check of the partition's ACTIVE tasks, for replicas that became AVAILABLE without an event
 *       (registered directly) and RSE expressions that changed.</li>
 * </ol>
 * Releasing is idempotent (a released job is no longer HELD), so seeing a file twice costs one query.
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
     */
    public record Settings(Duration wakeWait, Duration outboxEvery, Duration overlap, Duration fullEvery) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(60),
                    Duration.ofSeconds(30));
        }
    }

    private final ReleaseGate gate;
    private final Events events;
    private final Clock clock;
    private final Settings settings;
    private final String consumer;
    private final LinkedBlockingQueue<List<String>> woken = new LinkedBlockingQueue<>();
    /** Outbox events already handled, by id, with their creation time (pruned behind the overlap). */
    private final Map<String, Long> seen = new HashMap<>();
    private long nextOutbox;
    private long nextFull;

    public ReleaseWorker(ReleaseGate gate, Events events, Clock clock, Settings settings) {
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

    @Override
    public WorkResult runOnce(Partition partition) throws InterruptedException {
        int released = 0;
        Set<String> keys = drain();
        long now = clock.millis();
        boolean outboxDue = now >= nextOutbox;
        boolean fullDue = now >= nextFull;
        if (keys.isEmpty() && !outboxDue && !fullDue && !settings.wakeWait().isZero()) {
            List<String> first = woken.poll(settings.wakeWait().toMillis(), TimeUnit.MILLISECONDS);
            if (first != null) {
                keys.addAll(first);
                keys.addAll(drain());
            }
        }
        if (!keys.isEmpty()) {
            released += ReleaseGate.jobs(gate.filesAvailable(List.copyOf(keys)));
        }
        if (outboxDue) {
            released += pollOutbox();
            nextOutbox = clock.millis() + settings.outboxEvery().toMillis();
        }
        if (fullDue) {
            released += ReleaseGate.jobs(gate.checkPartition(partition));
            nextFull = clock.millis() + settings.fullEvery().toMillis();
        }
        return WorkResult.of(released + keys.size());
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
        long overlap = settings.overlap().toMillis();
        long position = events.position(consumer, clock.millis() - overlap);
        long from = position - overlap;
        String after = "";
        long newest = position;
        int released = 0;
        while (true) {
            List<Events.Event> page = events.since(Events.REPLICA_AVAILABLE, from, after, EVENTS_PER_PAGE);
            Set<String> keys = new LinkedHashSet<>();
            for (Events.Event e : page) {
                long at = e.createdAt().toEpochMilli();
                newest = Math.max(newest, at);
                if (seen.putIfAbsent(e.id(), at) == null) {
                    keys.addAll(files(e));
                }
            }
            if (!keys.isEmpty()) {
                released += ReleaseGate.jobs(gate.filesAvailable(List.copyOf(keys)));
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
        return released;
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
