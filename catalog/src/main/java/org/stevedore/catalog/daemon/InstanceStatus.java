package org.stevedore.catalog.daemon;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A live instance as its heartbeats show it, for operators: when it started (its oldest live heartbeat's first beat),
 * when it last beat, and which partition of which worker each of its worker threads owns now.
 */
public record InstanceStatus(Instance instance, Instant startedAt, Instant lastHeartbeat, List<WorkerShare> workers) {

    /** One worker thread of an instance and the share of its executable's work it owns. */
    public record WorkerShare(String executable, String thread, Partition partition, Instant lastHeartbeat) {
    }

    /**
     * The instances behind {@code live} heartbeats, ordered by key: each worker's partition is its place among the
     * live heartbeats of its executable sorted by key, as {@link HeartbeatStore#beat} assigns it.
     */
    public static List<InstanceStatus> of(List<Heartbeat> live) {
        Map<String, List<Heartbeat>> byExecutable = new LinkedHashMap<>();
        live.stream().sorted(Comparator.comparing(Heartbeat::key))
                .forEach(h -> byExecutable.computeIfAbsent(h.worker().executable(), e -> new ArrayList<>()).add(h));
        Map<Instance, List<WorkerShare>> shares = new LinkedHashMap<>();
        Map<Instance, Instant[]> times = new LinkedHashMap<>();
        byExecutable.forEach((executable, beats) -> {
            for (int i = 0; i < beats.size(); i++) {
                Heartbeat h = beats.get(i);
                Instance instance = Instance.of(h.worker());
                shares.computeIfAbsent(instance, k -> new ArrayList<>()).add(new WorkerShare(executable,
                        h.worker().thread(), new Partition(i, beats.size()), h.updatedAt()));
                Instant started = h.startedAt() == null ? h.updatedAt() : h.startedAt();
                times.merge(instance, new Instant[] {started, h.updatedAt()}, (a, b) -> new Instant[] {
                        a[0].isBefore(b[0]) ? a[0] : b[0], a[1].isAfter(b[1]) ? a[1] : b[1]});
            }
        });
        return shares.entrySet().stream()
                .sorted(Comparator.comparing(e -> e.getKey().key()))
                .map(e -> new InstanceStatus(e.getKey(), times.get(e.getKey())[0], times.get(e.getKey())[1],
                        e.getValue().stream().sorted(Comparator.comparing(WorkerShare::executable)
                                .thenComparing(WorkerShare::thread)).toList()))
                .toList();
    }
}
