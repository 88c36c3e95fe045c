package org.stevedore.catalog.daemon;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which instances are alive, for work owned by one instance (see {@link Instance}): an instance is alive while any of
 * its workers has a live heartbeat in {@link HeartbeatStore}, so it is dead for the others once its last beat is older
 * than the heartbeat timeout (a crash) or once its daemons removed their heartbeats (a clean stop).
 */
public final class Instances {

    private final HeartbeatStore heartbeats;
    private final Instance self;

    public Instances(HeartbeatStore heartbeats, Instance self) {
        this.heartbeats = heartbeats;
        this.self = self;
    }

    /** This process. */
    public Instance self() {
        return self;
    }

    /** The keys of the instances alive now; this one always counts, since it is asking. */
    public Set<String> liveKeys() {
        Set<String> live = new HashSet<>(heartbeats.liveInstanceKeys());
        live.add(self.key());
        return Set.copyOf(live);
    }

    /** Every live instance, with the partition each of its workers owns: what {@code GET /instances} shows. */
    public List<InstanceStatus> report() {
        return InstanceStatus.of(heartbeats.liveAll());
    }

    /** How long an instance may stay silent before the others take over its work. */
    public Duration timeout() {
        return heartbeats.timeout();
    }
}
