package org.stevedore.rules.evaluation;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.store.Store;
import org.stevedore.rules.store.LockOutcomes;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.transfer.store.RequestClaims;
import org.stevedore.transfer.store.RequestOutcomes;
import org.stevedore.transfer.store.RequestOutcomes.Outcome;
import org.stevedore.transfer.store.RetryPolicy;

/**
 * The transfer agent's side of rule tests, driven at the store level as the submitter and the poller drive it but
 * without a transfer tool: so that a test can say which transfer succeeds and which fails, in the order it likes.
 */
final class TransferDriver {

    private final Store store;
    private final RequestClaims claims;
    private final RequestOutcomes outcomes;
    private final RetryPolicy retry;
    private int jobs;

    TransferDriver(Store store, Clock clock, RuleStore rules, int maxRetries) {
        this.store = store;
        this.claims = new RequestClaims(store, clock);
        this.outcomes = new RequestOutcomes(store, clock, new LockOutcomes(rules));
        this.retry = RetryPolicy.immediate(maxRetries);
    }

    static String key(String fileKey, String rseId) {
        return fileKey + "|" + rseId;
    }

    /** Submits every claimable request, one job each, as the submitter records them: answers their keys. */
    List<String> submitAll() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (RequestClaims.Claimed c : claims.claim(Partition.whole(), 10_000)) {
            rows.add(Map.of("key", c.key(), "job", "job-" + ++jobs, "host", "test", "source", "SRC"));
        }
        if (!rows.isEmpty()) {
            claims.submitted(rows);
        }
        return rows.stream().map(r -> (String) r.get("key")).toList();
    }

    /** The submitted transfer of request {@code key} arrived. */
    void succeed(String key) {
        outcomes.finish(List.of(new Outcome(key, true, null)), retry);
    }

    /** The submitted transfer of request {@code key} failed (retried while it has retries left). */
    void fail(String key, String reason) {
        outcomes.finish(List.of(new Outcome(key, false, reason)), retry);
    }

    /** Fails request {@code key} at every attempt until it is out of retries. */
    void failForGood(String key, String reason) {
        for (int attempt = 0; attempt <= retry.maxRetries(); attempt++) {
            submitAll();
            fail(key, reason);
        }
    }

    /** The state of request {@code key}, or null when there is none. */
    String state(String key) {
        return property(key, "state");
    }

    String property(String key, String property) {
        return store.read(tx -> tx.run("OPTIONAL MATCH (q:Request {key: $k}) RETURN toString(q[$p]) AS v",
                Map.of("k", key, "p", property)).single().get("v").asString(null));
    }
}
