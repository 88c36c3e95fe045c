package org.stevedore.bridge.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.bridge.store.InputLossStore;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.replica.BadReplicaStore;

/**
 * Hears from the outbox of replicas taken out of reach ({@code REPLICA_UNAVAILABLE}: declared bad or temporarily
 * unavailable; {@code REPLICA_LOST}: the last copy of a file went bad) and holds again the released jobs that needed
 * them (see {@link InputLossStore}), with the reason {@code bad}, {@code unavailable} or {@code lost}. Reads from its
 * own outbox position per partition, so that each worker sees every event once for its share of the tasks.
 */
public final class InputLossWorker implements Worker {

    private static final Logger log = LoggerFactory.getLogger(InputLossWorker.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The recovery's event of lost files (rules-engine's {@code ReplicaRecovery.REPLICA_LOST}). */
    static final String REPLICA_LOST = "REPLICA_LOST";
    private static final int PAGE = 500;

    private final InputLossStore store;
    private final Events events;
    private final Clock clock;

    public InputLossWorker(InputLossStore store, Events events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public String executable() {
        return "bridge-input-loss";
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        String consumer = executable() + "-" + partition.index() + "-" + partition.count();
        long position = events.position(consumer, 0);
        int held = 0;
        long newest = position;
        for (String type : List.of(BadReplicaStore.REPLICA_UNAVAILABLE, REPLICA_LOST)) {
            // Events created at the position itself are read again: holding a job again is idempotent.
            for (Events.Event e : events.since(type, position, "", PAGE)) {
                newest = Math.max(newest, e.createdAt().toEpochMilli());
                held += handle(partition, e);
            }
        }
        if (newest > position) {
            events.advance(consumer, newest);
        }
        if (held > 0) {
            log.info("{} released job(s) held again: an input has no good replica left on its task's RSEs", held);
        }
        return WorkResult.of(held);
    }

    private int handle(Partition partition, Events.Event e) {
        try {
            JsonNode payload = JSON.readTree(e.payload());
            List<String> files = new ArrayList<>();
            payload.path("files").forEach(f -> files.add(f.asText()));
            String reason = REPLICA_LOST.equals(e.type()) ? "lost"
                    : "TEMPORARY_UNAVAILABLE".equals(payload.path("state").asText()) ? "unavailable" : "bad";
            return store.rehold(partition, files, reason, clock.millis());
        } catch (IOException ex) {
            log.warn("Outbox event {} has an unreadable payload; skipped", e.id());
            return 0;
        }
    }
}
