package org.stevedore.web.api;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.stevedore.catalog.error.InvalidObject;

/**
 * What one request may ask for, checked by the controllers before any store work: a bounded number of list entries
 * ({@code stevedore.api.max-items}, {@code stevedore.api.max-rule-dids}) and no entry twice. Without these, a rule
 * request naming one DID 50,000 times cost two minutes of lookups and permission checks before it was refused.
 */
public final class RequestLimits {

    private final int maxItems;
    private final int maxRuleDids;

    public RequestLimits(int maxItems, int maxRuleDids) {
        this.maxItems = maxItems;
        this.maxRuleDids = maxRuleDids;
    }

    /** At most {@code stevedore.api.max-items} entries of {@code what} (say "files") in one request. */
    public void requireAtMost(String what, long count) {
        if (count > maxItems) {
            throw new PayloadTooLarge("Too many " + what + " in one request: " + count + ", at most " + maxItems
                    + " (stevedore.api.max-items); split the request");
        }
    }

    /** At most {@code stevedore.api.max-rule-dids} DIDs in one rule request. */
    public void requireRuleDids(int count) {
        if (count > maxRuleDids) {
            throw new PayloadTooLarge("Too many DIDs in one rule request: " + count + ", at most " + maxRuleDids
                    + " (stevedore.api.max-rule-dids); split the request");
        }
    }

    /** A DID's key for {@link #requireDistinct}; null when a half is missing (the names' own check refuses it). */
    public static String didKey(String scope, String name) {
        return scope == null || name == null ? null : scope + ":" + name;
    }

    /**
     * No two entries with the same key; the refusal names the entry and where it appears. Null entries and null
     * keys are left to the caller's own checks.
     */
    public static <T> void requireDistinct(String what, List<T> items, Function<T, String> key) {
        if (items == null) {
            return;
        }
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            T item = items.get(i);
            String k = item == null ? null : key.apply(item);
            if (k == null) {
                continue;
            }
            Integer earlier = first.putIfAbsent(k, i);
            if (earlier != null) {
                throw new InvalidObject(what + " '" + k + "' appears twice in the request (entries " + (earlier + 1)
                        + " and " + (i + 1) + ")");
            }
        }
    }
}
