package org.stevedore.tape.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;
import org.stevedore.rules.store.LockQueries;
import org.stevedore.rules.store.LockState;
import org.stevedore.rules.store.RuleExpiry;
import org.stevedore.tape.store.Campaign.Counts;

/**
 * The copy of a campaign's staged files on to its target dataset, where the target rule brings them to their
 * destination. A {@code (:CampaignFile)}'s {@code copy} is null until the STAGED file is handed to the target, then
 * ATTACHED (to the target dataset) or LEFT_OUT (no longer wanted there). Where a copy stands is read from the target
 * rule's locks, which belong to the rules engine: through its {@link LockQueries}, in the same transaction, one round
 * trip per batch of files. Reached through {@link CampaignStore#copies()}.
 */
public final class CampaignCopyStore {

    private static final RuleExpiry RULE_EXPIRY = new RuleExpiry();

    private final Store store;
    private final Clock clock;
    private final AttachmentStore attachments;
    private final StagedFileDemand demand;

    CampaignCopyStore(Store store, Clock clock, StagedFileDemand demand) {
        this.store = store;
        this.clock = clock;
        this.demand = demand;
        this.attachments = new AttachmentStore(store, clock, new UpdatedDidQueue(store));
    }

    /** A staged file (bound as {@code f}, its campaign as {@code c}) that is in the campaign's target dataset. */
    private static final String IN_TARGET =
            "EXISTS { MATCH (:Did {key: c.target_dataset})-[:CONTAINS]->(:Did {key: f.did_key}) }";

    /** The target rule's lock states that end a file's copy: done, or given up until someone intervenes. */
    private static final Set<LockState> SETTLED = EnumSet.of(LockState.OK, LockState.STUCK);

    /**
     * Attaches the campaign's STAGED files not handled yet (of {@code keys}, or all when null) to its target dataset, in
     * one transaction that also marks them attached, so attaching twice is impossible and a file settled but not
     * attached before a crash is attached by the next call. With a bridge task as the target, the task's lock is taken
     * first and only files an unfinished job of the ACTIVE task still needs are attached, both through the bridge's
     * {@link StagedFileDemand} in this transaction; the others are marked left out. Answers how many files were
     * attached; 0 without a target.
     */
    public int attachStaged(String campaignId, List<String> keys) {
        if (keys != null && keys.isEmpty()) {
            return 0;
        }
        long now = clock.millis();
        return store.write(tx -> {
            List<Record> rows = tx.run("""
                    MATCH (c:Campaign {id: $id}) WHERE c.target_dataset IS NOT NULL
                    RETURN c.target_dataset AS dataset, c.target_task AS task
                    """, Map.of("id", campaignId)).list();
            if (rows.isEmpty()) {
                return 0;
            }
            String dataset = rows.get(0).get("dataset").asString();
            String task = Values.str(rows.get(0).get("task"));
            boolean taskActive = task == null || demand.lockTask(tx, task);
            Map<String, Object> p = new HashMap<>();
            p.put("id", campaignId);
            p.put("keys", keys);
            String select = keys == null ? """
                    MATCH (f:CampaignFile {campaign_id: $id, state: 'STAGED'}) WHERE f.copy IS NULL
                    """ : """
                    UNWIND $keys AS k
                    MATCH (f:CampaignFile {key: k}) WHERE f.campaign_id = $id AND f.state = 'STAGED' AND f.copy IS NULL
                    """;
            List<Record> staged = tx.run(select + "RETURN f.key AS key, f.did_key AS did, f.staged_at AS staged_at", p)
                    .list();
            Set<String> needed = task == null || !taskActive ? null
                    : demand.stillNeeded(tx, task, staged.stream().map(r -> r.get("did").asString()).toList());
            List<String> attach = new ArrayList<>();
            List<String> attachKeys = new ArrayList<>();
            List<String> leftOut = new ArrayList<>();
            for (Record r : staged) {
                String did = r.get("did").asString();
                if (taskActive && (needed == null || needed.contains(did))) {
                    attach.add(did);
                    attachKeys.add(r.get("key").asString());
                } else {
                    leftOut.add(r.get("key").asString());
                }
            }
            if (!attach.isEmpty()) {
                attachments.attachIn(tx, new AttachmentStore.Attachment(DidRef.fromKey(dataset),
                        attach.stream().map(DidRef::fromKey).toList()), true);
                long lastStaged = staged.stream().filter(r -> attachKeys.contains(r.get("key").asString()))
                        .mapToLong(r -> r.get("staged_at").asLong(now)).max().orElse(now);
                extendOwnedRule(tx, campaignId, lastStaged);
            }
            tx.run("""
                    UNWIND $rows AS row
                    MATCH (f:CampaignFile {key: row.key})
                    SET f.copy = row.copy, f.copy_at = $now
                    """, Map.of("rows", java.util.stream.Stream.concat(
                    attachKeys.stream().map(k -> Map.<String, Object>of("key", k, "copy", "ATTACHED")),
                    leftOut.stream().map(k -> Map.<String, Object>of("key", k, "copy", "LEFT_OUT"))).toList(),
                    "now", now)).consume();
            return attach.size();
        });
    }


    /**
     * The lifetime of a campaign's own rule runs from each file's staging: its expiry moves to {@code stagedAt} +
     * the pin lifetime when that is later (never earlier), so every file attached stays locked at least the pin
     * lifetime after it was staged, however long the campaign took to reach it. The rule is made without an expiry
     * ({@code CampaignCopies}); a task's rule is the task's, and left alone.
     */
    private void extendOwnedRule(TransactionContext tx, String campaignId, long stagedAt) {
        List<Record> r = tx.run("""
                MATCH (c:Campaign {id: $id}) WHERE c.target_owned AND c.target_rule IS NOT NULL
                WITH c, $staged + c.pin_lifetime_s * 1000 AS until
                WHERE c.target_rule_expiry IS NULL OR c.target_rule_expiry < until
                SET c.target_rule_expiry = until
                RETURN c.target_rule AS rule, until
                """, Map.of("id", campaignId, "staged", stagedAt)).list();
        if (!r.isEmpty()) {
            RULE_EXPIRY.set(tx, r.get(0).get("rule").asString(), r.get(0).get("until").asLong());
        }
    }

    /**
     * A campaign that ends without a file attached to its own rule: the rule, made without an expiry, expires now
     * (its staged files, if any, keep the expiry their staging gave it).
     */
    public void endOwnedRule(String campaignId) {
        store.write(tx -> {
            List<Record> r = tx.run("""
                    MATCH (c:Campaign {id: $id}) WHERE c.target_owned AND c.target_rule IS NOT NULL
                      AND c.target_rule_expiry IS NULL
                    SET c.target_rule_expiry = $now
                    RETURN c.target_rule AS rule
                    """, Map.of("id", campaignId, "now", clock.millis())).list();
            if (!r.isEmpty()) {
                RULE_EXPIRY.set(tx, r.get(0).get("rule").asString(), clock.millis());
            }
            return null;
        });
    }

    /** How many of the campaign's staged files are still on their way to its target (0 without one). */
    public long copiesOutstanding(String campaignId) {
        return store.read(tx -> {
            String rule = targetRule(tx, campaignId);
            return rule == null || !LockQueries.ruleExists(tx, rule) ? 0L
                    : outstanding(tx, campaignId, rule, store.batchSize(), false);
        });
    }

    /**
     * How many of the campaign's STAGED files are still on their way to target rule {@code rule}, read in {@code tx}:
     * not attached yet, or attached, still in the target dataset, and the rule's lock on it neither OK nor STUCK
     * (including no lock yet, before the re-evaluation ran). The rule's locks are read through the rules engine's
     * {@link LockQueries}, one round trip per {@code batch} attached files; with {@code anyOnly} the count stops at
     * the first batch that has an outstanding file (the answer then only tells 0 from more).
     */
    static long outstanding(TransactionContext tx, String campaignId, String rule, int batch, boolean anyOnly) {
        Record r = tx.run("""
                MATCH (c:Campaign {id: $id})
                MATCH (f:CampaignFile {campaign_id: $id, state: 'STAGED'})
                WHERE f.copy IS NULL OR (f.copy = 'ATTACHED' AND %s)
                RETURN count(f) AS files, collect(CASE WHEN f.copy = 'ATTACHED' THEN f.did_key END) AS attached
                """.formatted(IN_TARGET), Map.of("id", campaignId)).single();
        List<String> attached = r.get("attached").asList(Value::asString);
        long outstanding = r.get("files").asLong() - attached.size();
        for (int from = 0; from < attached.size() && !(anyOnly && outstanding > 0); from += batch) {
            List<String> chunk = attached.subList(from, Math.min(attached.size(), from + batch));
            Set<String> settled = new HashSet<>();
            LockQueries.locks(tx, rule, chunk, SETTLED).forEach(l -> settled.add(l.fileKey()));
            outstanding += chunk.size() - settled.size();
        }
        return outstanding;
    }

    /** The campaign's target rule, or null without a target. */
    private static String targetRule(TransactionContext tx, String campaignId) {
        return tx.run("MATCH (c:Campaign {id: $id}) WHERE c.target_dataset IS NOT NULL RETURN c.target_rule AS rule",
                Map.of("id", campaignId)).list(r -> Values.str(r.get("rule"))).stream().filter(Objects::nonNull)
                .findFirst().orElse(null);
    }

    /**
     * The target rule's lock states on {@code fileKeys}, by file (files without a lock in one of {@code states} are
     * left out), one round trip per batch of the store's size.
     */
    private Map<String, List<LockQueries.FileLock>> locks(TransactionContext tx, String rule, List<String> fileKeys,
                                                          Set<LockState> states) {
        Map<String, List<LockQueries.FileLock>> byFile = new HashMap<>();
        int batch = store.batchSize();
        for (int from = 0; from < fileKeys.size(); from += batch) {
            LockQueries.locks(tx, rule, fileKeys.subList(from, Math.min(fileKeys.size(), from + batch)), states)
                    .forEach(l -> byFile.computeIfAbsent(l.fileKey(), k -> new ArrayList<>()).add(l));
        }
        return byFile;
    }

    /** Where the campaign's staged files are on their way to its target; {@link CopyProgress#NONE} without one. */
    public CopyProgress copyProgress(String campaignId) {
        long[] c = new long[8];
        store.read(tx -> {
            List<Record> rows = tx.run("""
                    MATCH (c:Campaign {id: $id}) WHERE c.target_dataset IS NOT NULL
                    MATCH (f:CampaignFile {campaign_id: $id, state: 'STAGED'}) WHERE f.copy IS NOT NULL
                    RETURN c.target_rule AS rule, f.did_key AS did, f.bytes AS bytes, f.copy = 'ATTACHED' AS attached,
                           f.copy = 'ATTACHED' AND %s AS in_target
                    """.formatted(IN_TARGET), Map.of("id", campaignId)).list();
            String rule = rows.isEmpty() ? null : Values.str(rows.get(0).get("rule"));
            Map<String, List<LockQueries.FileLock>> locks = rule == null ? Map.of() : locks(tx, rule,
                    rows.stream().filter(r -> r.get("attached").asBoolean()).map(r -> r.get("did").asString()).toList(),
                    SETTLED);
            for (Record r : rows) {
                long bytes = r.get("bytes").asLong(0);
                boolean attached = r.get("attached").asBoolean();
                if (attached) {
                    c[0]++;
                    c[1] += bytes;
                }
                Set<LockState> states = EnumSet.noneOf(LockState.class);
                locks.getOrDefault(r.get("did").asString(), List.of()).forEach(l -> states.add(l.state()));
                int at;
                if (!attached) {
                    at = 6;
                } else if (states.contains(LockState.OK)) {
                    at = 2;
                } else if (!r.get("in_target").asBoolean()) {
                    at = 6;
                } else if (states.contains(LockState.STUCK)) {
                    at = 4;
                } else {
                    continue;
                }
                c[at]++;
                c[at + 1] += bytes;
            }
            return null;
        });
        return new CopyProgress(new Counts(c[0], c[1]), new Counts(c[2], c[3]), new Counts(c[4], c[5]),
                new Counts(c[6], c[7]));
    }

    /**
     * Up to {@code limit} staged files whose copy to the target got stuck, with the lock's reason (state STAGED: they
     * are on the tape buffer, not at the destination).
     */
    public List<CampaignFile> copyFailures(String campaignId, int limit) {
        return store.read(tx -> {
            List<Record> attached = tx.run("""
                    MATCH (c:Campaign {id: $id}) WHERE c.target_dataset IS NOT NULL
                    MATCH (f:CampaignFile {campaign_id: $id, state: 'STAGED'}) WHERE f.copy = 'ATTACHED'
                    RETURN c.target_rule AS rule, f.key AS key, f.did_key AS did ORDER BY f.tape_rse, f.path, f.key
                    """, Map.of("id", campaignId)).list();
            String rule = attached.isEmpty() ? null : Values.str(attached.get(0).get("rule"));
            if (rule == null) {
                return List.of();
            }
            // In the order of the files, the first batches holding stuck locks, until the limit is reached.
            Map<String, String> reasons = new LinkedHashMap<>();
            int batch = store.batchSize();
            for (int from = 0; from < attached.size() && reasons.size() < limit; from += batch) {
                List<Record> chunk = attached.subList(from, Math.min(attached.size(), from + batch));
                Map<String, List<String>> errors = new HashMap<>();
                for (LockQueries.FileLock l : LockQueries.locks(tx, rule,
                        chunk.stream().map(r -> r.get("did").asString()).toList(), EnumSet.of(LockState.STUCK))) {
                    errors.computeIfAbsent(l.fileKey(), k -> new ArrayList<>())
                            .add(l.rse() + ": " + (l.error() == null ? "no reason given" : l.error()));
                }
                for (Record r : chunk) {
                    List<String> e = errors.get(r.get("did").asString());
                    if (e != null && reasons.size() < limit) {
                        reasons.put(r.get("key").asString(), "copy failed (" + String.join("; ", e) + ")");
                    }
                }
            }
            Map<String, CampaignFile> files = new HashMap<>();
            tx.run("UNWIND $keys AS k MATCH (f:CampaignFile {key: k}) RETURN f",
                    Map.of("keys", List.copyOf(reasons.keySet()))).list(CampaignFileStore::file)
                    .forEach(f -> files.put(f.key(), f));
            List<CampaignFile> failures = new ArrayList<>(reasons.size());
            reasons.forEach((key, reason) -> {
                CampaignFile f = files.get(key);
                failures.add(new CampaignFile(f.key(), f.didKey(), f.scope(), f.name(), f.bytes(), f.tapeRse(),
                        f.path(), f.state(), f.requestId(), reason));
            });
            return failures;
        });
    }
}
