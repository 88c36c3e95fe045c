package org.stevedore.tape.campaign;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.stevedore.tape.store.Campaign.Counts;

/**
 * Shares each tape endpoint's window between the campaigns that use it. Every campaign has its own window too; what a
 * campaign may request next on an endpoint is the least of: its own window minus its files in flight there, the
 * endpoint's window minus everything in flight there, and its fair share minus its files in flight.
 *
 * <p>The fair share is a weighted max-min split (water filling) of the endpoint's window among the campaigns with
 * work there, weighted by priority: a campaign that needs less than its share keeps only what it needs, the rest is
 * split among the others. Nothing is taken back from a campaign that got more while it was alone: as its files
 * settle it gets nothing new until it is below its share, so a newcomer reaches its share within one turnover of the
 * window. Files and bytes are shared alike.
 *
 * <p>Deadlines order campaigns of the same priority: the part of the window their priority earns them together goes
 * first to the one with the nearest deadline, up to what it can use, then to the next (earliest deadline first);
 * campaigns without a deadline share what is left. Between priorities the weighted split above is unchanged. All
 * methods are synchronized: campaigns run on their own threads.
 */
public final class StagingScheduler {

    private static final class Share {
        final int priority;
        final Instant deadline;
        final Window window;
        long pendingFiles;
        long pendingBytes;
        long inFlightFiles;
        long inFlightBytes;

        Share(int priority, Instant deadline, Window window) {
            this.priority = priority;
            this.deadline = deadline;
            this.window = window;
        }

        boolean active() {
            return pendingFiles > 0 || inFlightFiles > 0;
        }
    }

    private final Function<String, Window> endpointWindow;
    /** tape RSE → campaign id → its share there. */
    private final Map<String, Map<String, Share>> endpoints = new HashMap<>();

    /** @param endpointWindow the window of each tape RSE's endpoint */
    public StagingScheduler(Function<String, Window> endpointWindow) {
        this.endpointWindow = endpointWindow;
    }

    /** Takes a campaign in (again), with its files still pending and in flight per tape RSE, as stored. */
    public synchronized void register(String campaignId, int priority, Window window, Map<String, Counts> pending,
                                      Map<String, Counts> inFlight) {
        register(campaignId, priority, null, window, pending, inFlight);
    }

    /**
     * Takes a campaign in (again), as stored; {@code deadline} (null: none) ranks it among the campaigns of its
     * priority.
     */
    public synchronized void register(String campaignId, int priority, Instant deadline, Window window,
                                      Map<String, Counts> pending, Map<String, Counts> inFlight) {
        unregister(campaignId);
        Map<String, Counts> all = new LinkedHashMap<>(pending);
        inFlight.keySet().forEach(rse -> all.putIfAbsent(rse, Counts.ZERO));
        all.forEach((rse, p) -> {
            Share s = new Share(priority, deadline, window);
            s.pendingFiles = p.files();
            s.pendingBytes = p.bytes();
            Counts f = inFlight.getOrDefault(rse, Counts.ZERO);
            s.inFlightFiles = f.files();
            s.inFlightBytes = f.bytes();
            endpoints.computeIfAbsent(rse, k -> new LinkedHashMap<>()).put(campaignId, s);
        });
    }

    public synchronized void unregister(String campaignId) {
        endpoints.values().forEach(m -> m.remove(campaignId));
        endpoints.values().removeIf(Map::isEmpty);
    }

    /**
     * Grants the campaign the longest prefix of {@code fileBytes} (its next files on the tape RSE, in order) that fits
     * what it may request now, and counts them in flight at once, so no other campaign can be granted the same room.
     * Returns how many files were granted (0 when the campaign must wait).
     */
    public synchronized int take(String campaignId, String tapeRse, long[] fileBytes) {
        Share s = share(campaignId, tapeRse);
        if (s == null) {
            return 0;
        }
        Counts room = room(campaignId, tapeRse);
        int n = 0;
        long bytes = 0;
        while (n < fileBytes.length && n < room.files() && bytes + fileBytes[n] <= room.bytes()) {
            bytes += fileBytes[n];
            n++;
        }
        if (n == 0 && s.inFlightFiles == 0 && fileBytes.length > 0 && firstFileFits(s, tapeRse, fileBytes[0])) {
            // A share smaller than one file must not starve a campaign with nothing in flight: one file at a time.
            n = 1;
            bytes = fileBytes[0];
        }
        s.pendingFiles -= n;
        s.pendingBytes -= bytes;
        s.inFlightFiles += n;
        s.inFlightBytes += bytes;
        return n;
    }

    /** Gives back files that were granted but could not be requested: they are pending again. */
    public synchronized void giveBack(String campaignId, String tapeRse, long files, long bytes) {
        Share s = share(campaignId, tapeRse);
        if (s != null) {
            s.inFlightFiles -= files;
            s.inFlightBytes -= bytes;
            s.pendingFiles += files;
            s.pendingBytes += bytes;
        }
    }

    /** Files that became pending (left by the campaign they waited on): they are the campaign's to ask for now. */
    public synchronized void added(String campaignId, String tapeRse, long files, long bytes) {
        Share s = share(campaignId, tapeRse);
        if (s != null) {
            s.pendingFiles += files;
            s.pendingBytes += bytes;
        }
    }

    /** Files that left the flight (staged or failed). */
    public synchronized void settled(String campaignId, String tapeRse, long files, long bytes) {
        Share s = share(campaignId, tapeRse);
        if (s != null) {
            s.inFlightFiles = Math.max(0, s.inFlightFiles - files);
            s.inFlightBytes = Math.max(0, s.inFlightBytes - bytes);
        }
    }

    /** Pending files that will never be requested (failed before, e.g. too large for any window). */
    public synchronized void dropped(String campaignId, String tapeRse, long files, long bytes) {
        Share s = share(campaignId, tapeRse);
        if (s != null) {
            s.pendingFiles = Math.max(0, s.pendingFiles - files);
            s.pendingBytes = Math.max(0, s.pendingBytes - bytes);
        }
    }

    /** Whether a file of {@code bytes} can never be granted: larger than the campaign's or the endpoint's window. */
    public synchronized boolean neverFits(String campaignId, String tapeRse, long bytes) {
        Share s = share(campaignId, tapeRse);
        return s != null && (bytes > s.window.bytes() || bytes > endpointWindow.apply(tapeRse).bytes());
    }

    /** What the campaign may request on the tape RSE right now, in files and bytes (zero when it must wait). */
    public synchronized Counts room(String campaignId, String tapeRse) {
        Share s = share(campaignId, tapeRse);
        if (s == null) {
            return Counts.ZERO;
        }
        Map<String, Share> shares = endpoints.get(tapeRse);
        Window endpoint = endpointWindow.apply(tapeRse);
        long usedFiles = 0;
        long usedBytes = 0;
        for (Share o : shares.values()) {
            usedFiles += o.inFlightFiles;
            usedBytes += o.inFlightBytes;
        }
        long fairFiles = fairShare(shares, campaignId, endpoint.files(), true);
        long fairBytes = fairShare(shares, campaignId, endpoint.bytes(), false);
        long files = min(s.window.files() - s.inFlightFiles, endpoint.files() - usedFiles, fairFiles - s.inFlightFiles);
        long bytes = min(s.window.bytes() - s.inFlightBytes, endpoint.bytes() - usedBytes, fairBytes - s.inFlightBytes);
        return files <= 0 || bytes <= 0 ? Counts.ZERO : new Counts(files, bytes);
    }

    /** The campaign's in-flight files and bytes on a tape RSE. */
    public synchronized Counts inFlight(String campaignId, String tapeRse) {
        Share s = share(campaignId, tapeRse);
        return s == null ? Counts.ZERO : new Counts(s.inFlightFiles, s.inFlightBytes);
    }

    /** Everything in flight on a tape RSE. */
    public synchronized Counts inFlight(String tapeRse) {
        long files = 0;
        long bytes = 0;
        for (Share s : endpoints.getOrDefault(tapeRse, Map.of()).values()) {
            files += s.inFlightFiles;
            bytes += s.inFlightBytes;
        }
        return new Counts(files, bytes);
    }

    /** The campaign's pending files and bytes on a tape RSE, as the scheduler counts them. */
    public synchronized Counts pending(String campaignId, String tapeRse) {
        Share s = share(campaignId, tapeRse);
        return s == null ? Counts.ZERO : new Counts(s.pendingFiles, s.pendingBytes);
    }

    /** Whether the campaign has nothing pending or in flight anywhere. */
    public synchronized boolean idle(String campaignId) {
        return endpoints.values().stream().map(m -> m.get(campaignId)).noneMatch(s -> s != null && s.active());
    }

    /** The tape RSEs where the campaign still has pending files, in name order. */
    public synchronized List<String> withPending(String campaignId) {
        List<String> rses = new ArrayList<>();
        endpoints.forEach((rse, m) -> {
            Share s = m.get(campaignId);
            if (s != null && s.pendingFiles > 0) {
                rses.add(rse);
            }
        });
        rses.sort(null);
        return rses;
    }

    private boolean firstFileFits(Share s, String tapeRse, long bytes) {
        Window endpoint = endpointWindow.apply(tapeRse);
        Counts used = inFlight(tapeRse);
        return used.files() < endpoint.files() && used.bytes() + bytes <= endpoint.bytes() && bytes <= s.window.bytes()
                && fairShare(endpoints.get(tapeRse), idOf(s, tapeRse), endpoint.files(), true) >= 1;
    }

    private String idOf(Share s, String tapeRse) {
        return endpoints.get(tapeRse).entrySet().stream().filter(e -> e.getValue() == s).findFirst().orElseThrow().getKey();
    }

    private Share share(String campaignId, String tapeRse) {
        Map<String, Share> m = endpoints.get(tapeRse);
        return m == null ? null : m.get(campaignId);
    }

    /**
     * Water filling: each active campaign's demand (what it could use: the least of its window and its pending plus
     * in-flight work) is met in full when it is below its weighted part of what is left; the remainder is split
     * among the others by weight, again and again until everyone left wants more than their part. Then, within each
     * priority, the shares are handed out again by deadline.
     */
    private static long fairShare(Map<String, Share> shares, String campaignId, long capacity, boolean files) {
        Map<String, Long> demand = new LinkedHashMap<>();
        shares.forEach((id, s) -> {
            if (s.active()) {
                demand.put(id, files ? Math.min(s.window.files(), s.pendingFiles + s.inFlightFiles)
                        : Math.min(s.window.bytes(), s.pendingBytes + s.inFlightBytes));
            }
        });
        if (!demand.containsKey(campaignId)) {
            return 0;
        }
        Map<String, Long> fair = waterFill(demand, id -> shares.get(id).priority, capacity);
        Share mine = shares.get(campaignId);
        List<String> peers = demand.keySet().stream().filter(id -> shares.get(id).priority == mine.priority).toList();
        if (peers.size() < 2 || peers.stream().allMatch(id -> shares.get(id).deadline == null)) {
            return fair.get(campaignId);
        }
        long left = peers.stream().mapToLong(fair::get).sum();
        List<String> byDeadline = peers.stream().filter(id -> shares.get(id).deadline != null)
                .sorted(Comparator.<String, Instant>comparing(id -> shares.get(id).deadline).thenComparing(id -> id))
                .toList();
        for (String id : byDeadline) {
            long granted = Math.min(demand.get(id), left);
            if (id.equals(campaignId)) {
                return granted;
            }
            left -= granted;
        }
        Map<String, Long> rest = new LinkedHashMap<>();
        peers.stream().filter(id -> shares.get(id).deadline == null).forEach(id -> rest.put(id, demand.get(id)));
        return waterFill(rest, id -> 1, left).get(campaignId);
    }

    /** Weighted max-min split of {@code capacity} among demands: each id's share. */
    private static Map<String, Long> waterFill(Map<String, Long> demand, java.util.function.ToIntFunction<String> weight,
                                               long capacity) {
        Map<String, Long> result = new HashMap<>();
        long left = capacity;
        Map<String, Long> open = new LinkedHashMap<>(demand);
        while (!open.isEmpty()) {
            long weights = open.keySet().stream().mapToLong(weight::applyAsInt).sum();
            double part = (double) left / weights;
            List<String> satisfied = new ArrayList<>();
            open.forEach((id, d) -> {
                if (d <= part * weight.applyAsInt(id)) {
                    satisfied.add(id);
                }
            });
            if (satisfied.isEmpty()) {
                open.keySet().forEach(id -> result.put(id, (long) Math.floor(part * weight.applyAsInt(id))));
                return result;
            }
            for (String id : satisfied) {
                long d = open.remove(id);
                result.put(id, d);
                left -= d;
            }
        }
        return result;
    }

    private static long min(long a, long b, long c) {
        return Math.min(a, Math.min(b, c));
    }
}
