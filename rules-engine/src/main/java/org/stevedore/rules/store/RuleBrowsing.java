package org.stevedore.rules.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;

/**
 * The reads a person browsing rules needs, as the web UI shows them: a page of rules under filters (a list that can
 * be long is read a page at a time, never whole), a rule's stuck locks with their reasons, and its state history.
 */
public final class RuleBrowsing {

    /** Filters of the rule list; null or blank fields do not filter. {@code rseExpression} matches exactly. */
    public record Filter(String account, String scope, RuleState state, String rseExpression, String activity) {
    }

    /** A page of rules, newest first, and whether more follow. */
    public record Page(List<Rule> rules, boolean more) {
    }

    /** A lock that is STUCK, with the reason it carries. */
    public record Stuck(String fileKey, String scope, String name, String rseId, String rse, long bytes, String error,
                        Instant updatedAt) {
    }

    /** A state the rule entered, and when. */
    public record Change(Instant at, RuleState state) {
    }

    private final Store store;

    public RuleBrowsing(Store store) {
        this.store = store;
    }

    /** The rules of page {@code offset / size} under the filter, newest first. */
    public Page page(Filter filter, int offset, int size) {
        Map<String, Object> params = new HashMap<>();
        params.put("account", blankToNull(filter.account()));
        params.put("scope", blankToNull(filter.scope()));
        params.put("state", filter.state() == null ? null : filter.state().name());
        params.put("expression", blankToNull(filter.rseExpression()));
        params.put("activity", blankToNull(filter.activity()));
        params.put("skip", Math.max(0, offset));
        params.put("limit", size + 1);
        List<Rule> rules = new ArrayList<>();
        // A rule without an activity has Rucio's default one, and is found by it.
        store.stream("""
                MATCH (r:Rule)
                WHERE ($account IS NULL OR r.account = $account) AND ($scope IS NULL OR r.scope = $scope)
                  AND ($state IS NULL OR r.state = $state) AND ($expression IS NULL OR r.rse_expression = $expression)
                  AND ($activity IS NULL OR coalesce(r.activity, 'User Subscriptions') = $activity)
                RETURN %s ORDER BY r.created_at DESC, r.id SKIP $skip LIMIT $limit
                """.formatted(RuleQueries.RULE_COLUMNS), params, r -> rules.add(RuleQueries.rule(r)));
        boolean more = rules.size() > size;
        return new Page(more ? rules.subList(0, size) : rules, more);
    }

    /** At most {@code limit} STUCK locks of a rule, by file. */
    public List<Stuck> stuck(String ruleId, int limit) {
        return store.read(tx -> tx.run("""
                MATCH (:Rule {id: $id})-[l:LOCK {state: 'STUCK'}]->(f:Did)
                RETURN f.key AS key, f.scope AS scope, f.name AS name, l.rse_id AS rse_id, l.rse AS rse,
                       coalesce(l.bytes, 0) AS bytes, l.error AS error, l.updated_at AS updated_at
                ORDER BY key, rse LIMIT $limit
                """, Map.of("id", ruleId, "limit", limit)).list(r -> new Stuck(r.get("key").asString(),
                r.get("scope").asString(), r.get("name").asString(), r.get("rse_id").asString(),
                r.get("rse").asString(), r.get("bytes").asLong(), Values.str(r.get("error")),
                Times.instant(r.get("updated_at")))));
    }

    /**
     * The states a rule entered, oldest first, as its writes record them ({@code state_history}: the newest
     * {@value RuleStore#HISTORY_KEPT}); empty for a rule written before the history was recorded.
     */
    public List<Change> history(String ruleId) {
        List<String> entries = store.read(tx -> tx.run(
                "MATCH (r:Rule {id: $id}) RETURN coalesce(r.state_history, []) AS h", Map.of("id", ruleId))
                .list(r -> r.get("h").asList(v -> v.asString()))).stream().findFirst().orElse(List.of());
        List<Change> changes = new ArrayList<>(entries.size());
        for (String e : entries) {
            int space = e.indexOf(' ');
            changes.add(new Change(Instant.ofEpochMilli(Long.parseLong(e.substring(0, space))),
                    RuleState.valueOf(e.substring(space + 1))));
        }
        return changes;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
