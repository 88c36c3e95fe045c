package org.stevedore.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.stevedore.bridge.gate.ReleaseWorker;
import org.stevedore.bridge.gate.ReleaseWorker.Pass;

/**
 * Where the release latency of bridge-release goes: the release worker's passes (woken files, outbox poll, full
 * check) with their times, and for each release the moments it went through. The summary compares the slowest 1 %
 * of releases with all of them: time queued before the worker picked the file up (and what the worker was busy with
 * meanwhile), time from pick-up to the end of the release query (lookup and gate query, inside the transaction), and
 * the commit.
 */
final class Breakdown implements ReleaseWorker.Observer {

    /** One pass of the worker, in {@link System#nanoTime()}. */
    record Span(Pass pass, int files, long start, long end) {
    }

    /**
     * One job's release: its file committed AVAILABLE, picked up by a wake-up pass (null when none picked it), its
     * release query done (inside the transaction), its release committed.
     */
    record Release(long available, Long picked, long queried, long released) {
        long latency() {
            return released - available;
        }
    }

    private final Map<String, Long> picked;
    private final List<Span> spans = new ArrayList<>();

    Breakdown(int files) {
        this.picked = new ConcurrentHashMap<>(files * 2);
    }

    @Override
    public void pass(Pass pass, Collection<String> files, long startNanos, long endNanos) {
        synchronized (spans) {
            spans.add(new Span(pass, files.size(), startNanos, endNanos));
        }
        for (String f : files) {
            picked.putIfAbsent(f, startNanos);
        }
    }

    /** Forgets what was seen so far (the warm-up). */
    void reset() {
        synchronized (spans) {
            spans.clear();
        }
        picked.clear();
    }

    Long pickedAt(String file) {
        return picked.get(file);
    }

    static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    Map<String, Object> summary(List<Release> releases) {
        List<Span> all;
        synchronized (spans) {
            all = List.copyOf(spans);
        }
        List<Release> sorted = new ArrayList<>(releases);
        sorted.sort(Comparator.comparingLong(Release::latency));
        int tail = Math.max(1, sorted.size() / 100);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("passes", passes(all));
        long origin = releases.stream().mapToLong(Release::available).min().orElse(0);
        List<Map<String, Object>> longest = new ArrayList<>();
        all.stream().sorted(Comparator.comparingLong((Span s) -> s.end() - s.start()).reversed()).limit(5).forEach(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pass", s.pass().name().toLowerCase());
            m.put("at_s", Math.round((s.start() - origin) / 1e7) / 100.0);
            m.put("ms", ms(s.end() - s.start()));
            m.put("files", s.files());
            longest.add(m);
        });
        out.put("longest_passes", longest);
        out.put("all", group(sorted, all));
        out.put("slowest_1pct", group(sorted.subList(sorted.size() - tail, sorted.size()), all));
        return out;
    }

    private static Map<String, Object> passes(List<Span> spans) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Pass p : Pass.values()) {
            List<Span> of = spans.stream().filter(s -> s.pass() == p).toList();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", of.size());
            m.put("total_ms", ms(of.stream().mapToLong(s -> s.end() - s.start()).sum()));
            m.put("max_ms", ms(of.stream().mapToLong(s -> s.end() - s.start()).max().orElse(0)));
            if (p == Pass.WAKE) {
                m.put("files_mean", of.isEmpty() ? 0 : Math.round(of.stream().mapToInt(Span::files).average().orElse(0)));
                m.put("files_max", of.stream().mapToInt(Span::files).max().orElse(0));
            }
            out.put(p.name().toLowerCase(), m);
        }
        return out;
    }

    /** Medians and means of the phases of a group of releases, and what the worker did while they were queued. */
    private static Map<String, Object> group(List<Release> group, List<Span> spans) {
        long[] queued = new long[group.size()];
        long[] gate = new long[group.size()];
        long[] commit = new long[group.size()];
        Map<Pass, Long> releasedBy = new EnumMap<>(Pass.class);
        Map<Pass, Long> busyWhileQueued = new EnumMap<>(Pass.class);
        long wakeFiles = 0;
        long wakeReleases = 0;
        for (int i = 0; i < group.size(); i++) {
            Release r = group.get(i);
            Span by = containing(spans, r.queried());
            Pass kind = by == null ? null : by.pass();
            if (kind != null) {
                releasedBy.merge(kind, 1L, Long::sum);
            }
            // Picked up: the start of the pass that released it (a wake pass, or the poll or full check before it).
            long pickedUp = by != null ? Math.max(r.available(), by.start()) : r.picked() == null ? r.queried() : r.picked();
            queued[i] = pickedUp - r.available();
            gate[i] = r.queried() - pickedUp;
            commit[i] = r.released() - r.queried();
            for (Span s : spans) {
                long overlap = Math.min(s.end(), pickedUp) - Math.max(s.start(), r.available());
                if (overlap > 0) {
                    busyWhileQueued.merge(s.pass(), overlap, Long::sum);
                }
            }
            if (kind == Pass.WAKE) {
                wakeFiles += by.files();
                wakeReleases++;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jobs", group.size());
        m.put("latency_median_ms", median(group.stream().mapToLong(Release::latency).toArray()));
        m.put("queued_median_ms", median(queued));
        m.put("queued_mean_ms", mean(queued));
        m.put("gate_median_ms", median(gate));
        m.put("gate_mean_ms", mean(gate));
        m.put("commit_median_ms", median(commit));
        m.put("commit_mean_ms", mean(commit));
        Map<String, Object> by = new LinkedHashMap<>();
        releasedBy.forEach((k, v) -> by.put(k.name().toLowerCase(), v));
        m.put("released_by", by);
        Map<String, Object> busy = new LinkedHashMap<>();
        busyWhileQueued.forEach((k, v) -> busy.put(k.name().toLowerCase(), ms(v / Math.max(1, group.size()))));
        m.put("worker_busy_while_queued_mean_ms", busy);
        m.put("wake_pass_files_mean", wakeReleases == 0 ? 0 : wakeFiles / wakeReleases);
        return m;
    }

    private static Span containing(List<Span> spans, long at) {
        for (Span s : spans) {
            if (s.start() <= at && at <= s.end()) {
                return s;
            }
        }
        return null;
    }

    private static double median(long[] values) {
        long[] copy = values.clone();
        java.util.Arrays.sort(copy);
        return copy.length == 0 ? 0 : ms(copy[copy.length / 2]);
    }

    private static double mean(long[] values) {
        return values.length == 0 ? 0 : ms(java.util.Arrays.stream(values).sum() / values.length);
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e5) / 10.0;
    }
}
