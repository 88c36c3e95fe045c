package org.stevedore.catalog.replica;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process wake-up that follows a commit making replicas AVAILABLE: listeners (the workload bridge's release
 * worker) hear of it within milliseconds instead of at their next poll. It is only a hint: the same change is in the
 * transactional outbox ({@code REPLICA_AVAILABLE} events), which listeners in other processes, and this one after a
 * restart, read as the reliable record. Listeners must return quickly (hand the keys to a queue).
 */
public final class ReplicaAvailability {

    private static final Logger log = LoggerFactory.getLogger(ReplicaAvailability.class);

    /** Hears of files whose replicas became AVAILABLE on some of {@code rseIds}, after the commit. */
    @FunctionalInterface
    public interface Listener {
        void available(List<String> fileKeys, List<String> rseIds);
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** A signal nobody listens to (yet). */
    public ReplicaAvailability() {
    }

    public void subscribe(Listener listener) {
        listeners.add(listener);
    }

    public void unsubscribe(Listener listener) {
        listeners.remove(listener);
    }

    /** Tells every listener; a failing listener is logged and does not stop the others. Call after the commit. */
    public void announce(List<String> fileKeys, List<String> rseIds) {
        if (fileKeys.isEmpty()) {
            return;
        }
        for (Listener l : listeners) {
            try {
                l.available(fileKeys, rseIds);
            } catch (RuntimeException e) {
                log.warn("A replica availability listener failed; it will catch up from the outbox", e);
            }
        }
    }
}
