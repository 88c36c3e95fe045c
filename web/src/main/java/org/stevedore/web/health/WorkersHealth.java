package org.stevedore.web.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.daemon.WorkerId;
import org.stevedore.catalog.daemon.WorkerStatus;

/**
 * The background workers of this process, one health component per executable ({@code workers/conveyor-submitter},
 * ...), so the name of a failing worker shows even where details are hidden. A worker is DOWN when its thread died,
 * or when its heartbeat is older than the heartbeat timeout or gone after it had beaten: the other instances already
 * count it dead and have taken its share. A worker that has not finished its first cycle yet is UP (starting).
 */
public final class WorkersHealth implements CompositeHealthContributor {

    private final Supplier<List<Daemon>> daemons;
    private final HeartbeatStore heartbeats;
    private final Clock clock;

    /** {@code daemons}: those of this process that are running (stopped ones are not looked at). */
    public WorkersHealth(Supplier<List<Daemon>> daemons, HeartbeatStore heartbeats, Clock clock) {
        this.daemons = daemons;
        this.heartbeats = heartbeats;
        this.clock = clock;
    }

    private Map<String, List<WorkerStatus>> byExecutable() {
        Map<String, List<WorkerStatus>> workers = new TreeMap<>();
        for (Daemon daemon : daemons.get()) {
            for (WorkerStatus status : daemon.status()) {
                workers.computeIfAbsent(status.worker().executable(), k -> new ArrayList<>()).add(status);
            }
        }
        return workers;
    }

    @Override
    public HealthContributor getContributor(String name) {
        List<WorkerStatus> workers = byExecutable().get(name);
        return workers == null ? null : indicator(name);
    }

    @Override
    public Iterator<NamedContributor<HealthContributor>> iterator() {
        return byExecutable().keySet().stream()
                .map(name -> NamedContributor.<HealthContributor>of(name, indicator(name))).iterator();
    }

    private HealthIndicator indicator(String executable) {
        return () -> check(byExecutable().getOrDefault(executable, List.of()));
    }

    private Health check(List<WorkerStatus> workers) {
        Map<String, Instant> beats = heartbeats.lastBeats(workers.stream().map(WorkerStatus::worker).toList());
        Instant now = clock.instant();
        Duration timeout = heartbeats.timeout();
        List<String> stale = new ArrayList<>();
        Map<String, Object> details = new TreeMap<>();
        for (WorkerStatus w : workers) {
            WorkerId id = w.worker();
            Instant beat = beats.get(id.key());
            String problem = null;
            if (!w.running()) {
                problem = "thread not running";
            } else if (beat == null && w.cycles() > 0) {
                problem = "heartbeat gone";
            } else if (beat != null && Duration.between(beat, now).compareTo(timeout) > 0) {
                problem = "heartbeat " + Duration.between(beat, now).toSeconds() + " s old (timeout "
                        + timeout.toSeconds() + " s)";
            }
            if (problem != null) {
                stale.add(id.thread() + ": " + problem);
            }
            details.put(id.thread(), Map.of("cycles", w.cycles(), "items", w.items(), "failures", w.failures(),
                    "consecutive_failures", w.consecutiveFailures(), "last_beat", beat == null ? "none" : beat.toString()));
        }
        Health.Builder health = stale.isEmpty() ? Health.up() : Health.down().withDetail("stale", stale);
        return health.withDetails(details).build();
    }
}
