package org.stevedore.rules.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.store.Store;

/**
 * The check of the promise the rules engine makes to its transfers: every REPLICATING lock waits for a live
 * transfer (one the transfer agent will still move on). A lock that breaks it waits for ever with no error, so a
 * breach is a bug to be reported, not a state to wait out. The locks are read here; which of their copies have a live
 * transfer is the transfer agent's to say, through {@link TransferQueue#withoutLiveTransfer}, one call per batch.
 *
 * <p>Only rules that are not OK are looked at: an OK rule has no REPLICATING lock, and most rules are OK, so the audit
 * costs what is in flight rather than what the catalog holds.
 */
public final class LockAudit {

    /** A REPLICATING lock of rule {@code ruleId} on file {@code fileKey} at RSE {@code rseId} with no live transfer. */
    public record Breach(String ruleId, String fileKey, String rseId) {
    }

    private final Store store;
    private final TransferQueue transfers;

    public LockAudit(Store store, TransferQueue transfers) {
        this.store = store;
        this.transfers = transfers;
    }

    /** Up to {@code limit} breaches among the rules of {@code partition}, by rule, file and RSE. */
    public List<Breach> breaches(Partition partition, int limit) {
        Map<String, Object> params = new HashMap<>(partition.cypherParams());
        int batch = store.batchSize();
        return store.read(tx -> {
            // Copies locked, each with the rules locking it: several rules may wait for one copy.
            Map<TransferQueue.FileAtRse, List<String>> waiting = new LinkedHashMap<>();
            for (Record r : tx.run("""
                    MATCH (r:Rule) WHERE r.state <> 'OK' AND %s
                    MATCH (r)-[l:LOCK {state: 'REPLICATING'}]->(f:Did)
                    RETURN r.id AS rule, f.key AS key, l.rse_id AS rse_id ORDER BY rule, key, rse_id
                    """.formatted(partition.cypherFilter("r")), params).list()) {
                waiting.computeIfAbsent(new TransferQueue.FileAtRse(r.get("key").asString(),
                        r.get("rse_id").asString()), k -> new ArrayList<>()).add(r.get("rule").asString());
            }
            List<TransferQueue.FileAtRse> copies = List.copyOf(waiting.keySet());
            List<Breach> out = new ArrayList<>();
            for (int from = 0; from < copies.size() && out.size() < limit; from += batch) {
                for (TransferQueue.FileAtRse c : transfers.withoutLiveTransfer(tx,
                        copies.subList(from, Math.min(copies.size(), from + batch)))) {
                    waiting.get(c).forEach(rule -> out.add(new Breach(rule, c.fileKey(), c.rseId())));
                }
            }
            return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
        });
    }
}
