package org.stevedore.bridge.gate;

import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.bridge.store.ReleaseStore;
import org.stevedore.bridge.store.ReleaseStore.Released;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.error.StevedoreException;
import org.stevedore.catalog.metrics.StevedoreMetrics;

/**
 * The release gate: a job goes from HELD to RELEASED only when every one of its files has an AVAILABLE replica on an
 * RSE of its task's disk expression, and then at once. The check and the release happen in one store transaction
 * under the task's lock ({@link ReleaseStore#release}); this class decides which tasks and files to look at, and tells
 * the listeners after the commit.
 */
public final class ReleaseGate {

    private static final Logger log = LoggerFactory.getLogger(ReleaseGate.class);
    /** From a job's last input AVAILABLE on the task's RSEs to its release: what the gate adds to a job's wait. */
    private static final Timer RELEASE_LATENCY = StevedoreMetrics.timer(StevedoreMetrics.BRIDGE_RELEASE_LATENCY,
            "From a job's last input becoming AVAILABLE to the job's release", Duration.ofMinutes(10));

    private final ReleaseStore store;
    private final Clock clock;
    private final ReleaseStore.ReleaseHook hook;
    private final List<ReleaseListener> listeners;
    private final Function<String, List<String>> diskRses;

    /**
     * @param hook     runs in each release transaction (webhook deliveries)
     * @param diskRses resolves a task's expression to the ids of the disk RSEs its jobs may read from
     */
    public ReleaseGate(ReleaseStore store, Clock clock, ReleaseStore.ReleaseHook hook, List<ReleaseListener> listeners,
                       Function<String, List<String>> diskRses) {
        this.store = store;
        this.clock = clock;
        this.hook = hook;
        this.listeners = List.copyOf(listeners);
        this.diskRses = diskRses;
    }

    /** Files whose replicas became AVAILABLE: releases the jobs waiting on them that are now complete. */
    public List<Released> filesAvailable(List<String> fileKeys) {
        List<Released> all = new ArrayList<>();
        int batch = Math.max(1, store.store().batchSize());
        List<String> keys = List.copyOf(new LinkedHashSet<>(fileKeys));
        for (int from = 0; from < keys.size(); from += batch) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + batch));
            List<String> tasks = store.tasksWaitingOn(chunk);
            if (!tasks.isEmpty()) {
                all.addAll(store.release(tasks, chunk, clock.millis(), hook));
            }
        }
        return announce(all);
    }

    /** Every HELD job of one task (at registration: jobs whose inputs are on disk already go at once). */
    public List<Released> checkTask(String taskId) {
        return announce(store.release(List.of(taskId), null, clock.millis(), hook));
    }

    /**
     * The fallback: every HELD job of the ACTIVE tasks of a partition, with each task's expression resolved anew (an
     * RSE added to or taken from an expression changes where its jobs may read). Catches what no event announced,
     * such as replicas made AVAILABLE by a path that wrote no event, and RSE expressions that changed.
     */
    public List<Released> checkPartition(Partition partition) {
        return checkPartition(partition, Integer.MAX_VALUE, () -> { });
    }

    /**
     * {@link #checkPartition(Partition)} in slices: each transaction looks at up to {@code jobsPerSlice} HELD jobs of
     * one task, and {@code between} runs after each one (the release worker handles its wake-ups there, so a woken
     * file does not wait for the whole check). Each slice's releases are announced as it commits.
     */
    public List<Released> checkPartition(Partition partition, int jobsPerSlice, Runnable between) {
        List<Released> all = new ArrayList<>();
        for (Map.Entry<String, Map.Entry<String, List<String>>> task : store.activeTasks(partition)) {
            refreshRses(task.getKey(), task.getValue().getKey(), task.getValue().getValue());
            String after = "";
            do {
                ReleaseStore.Slice slice = store.releaseSlice(task.getKey(), after, jobsPerSlice, clock.millis(), hook);
                all.addAll(announce(slice.released()));
                after = slice.lastJobId();
                between.run();
            } while (after != null);
        }
        return all;
    }

    private void refreshRses(String taskId, String expression, List<String> rseIds) {
        try {
            List<String> now = diskRses.apply(expression);
            if (!now.isEmpty() && !new LinkedHashSet<>(now).equals(new LinkedHashSet<>(rseIds))) {
                store.setRseIds(taskId, now);
                log.info("Task {}: RSE expression '{}' now selects {} disk RSE(s)", taskId, expression, now.size());
            }
        } catch (StevedoreException e) {
            log.warn("Task {}: RSE expression '{}' no longer resolves ({}); keeping its RSEs", taskId, expression,
                    e.getMessage());
        }
    }

    private List<Released> announce(List<Released> released) {
        if (released.isEmpty()) {
            return released;
        }
        for (Released r : released) {
            log.info("Task {}: released {} job(s), sequence {}..{}", r.taskId(), r.jobIds().size(), r.fromSeq(), r.toSeq());
            r.waitedMillis().forEach(waited -> RELEASE_LATENCY.record(Math.max(0, waited), TimeUnit.MILLISECONDS));
        }
        for (ReleaseListener l : listeners) {
            try {
                l.released(released);
            } catch (RuntimeException e) {
                log.warn("A release listener failed", e);
            }
        }
        return released;
    }

    /** How many jobs a list of releases holds. */
    public static int jobs(List<Released> released) {
        return released.stream().mapToInt(r -> r.jobIds().size()).sum();
    }
}
