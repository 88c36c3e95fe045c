package org.stevedore.transfer.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which waiting requests of one destination RSE fit under its transfer limits, given what is already in flight.
 * Pure logic: the {@link ThrottleStore} feeds it inside the transaction that holds the RSE's limits.
 *
 * <p>Requests are taken in the order given (highest priority, oldest first). One that does not fit closes the limits
 * it did not fit under for the rest of the round, so smaller or newer requests under those limits do not overtake
 * it; requests under other limits (another activity) still go. A request larger than a byte limit goes
 * when nothing else is in flight under that limit, so it is never starved.
 */
public final class Throttling {

    /** A waiting request: its key, activity (already defaulted) and size. */
    public record Waiting(String key, String activity, long bytes) {
    }

    /** What is in flight for one activity: requests and bytes. */
    public record InFlight(long transfers, long bytes) {
    }

    private Throttling() {
    }

    /** The keys of {@code waiting} to release, in order. */
    public static List<String> release(List<TransferLimit> limits, Map<String, InFlight> inFlightByActivity,
                                       List<Waiting> waiting) {
        Map<TransferLimit, long[]> used = new HashMap<>();
        for (TransferLimit limit : limits) {
            long[] u = new long[2];
            inFlightByActivity.forEach((activity, f) -> {
                if (limit.covers(activity)) {
                    u[0] += f.transfers();
                    u[1] += f.bytes();
                }
            });
            used.put(limit, u);
        }
        Set<TransferLimit> closed = new HashSet<>();
        List<String> released = new ArrayList<>();
        for (Waiting w : waiting) {
            List<TransferLimit> applicable = limits.stream().filter(l -> l.covers(w.activity())).toList();
            if (applicable.stream().anyMatch(closed::contains)) {
                continue;
            }
            List<TransferLimit> full = applicable.stream().filter(l -> !fits(l, used.get(l), w.bytes())).toList();
            if (full.isEmpty()) {
                released.add(w.key());
                for (TransferLimit l : applicable) {
                    used.get(l)[0]++;
                    used.get(l)[1] += w.bytes();
                }
            } else {
                closed.addAll(full);
            }
        }
        return released;
    }

    private static boolean fits(TransferLimit limit, long[] used, long bytes) {
        if (limit.maxTransfers() != null && used[0] + 1 > limit.maxTransfers()) {
            return false;
        }
        return limit.maxBytes() == null || used[1] + bytes <= limit.maxBytes() || used[0] == 0;
    }
}
