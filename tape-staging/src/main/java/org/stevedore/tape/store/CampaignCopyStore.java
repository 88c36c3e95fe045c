package org.stevedore.tape.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.Record;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;
import org.stevedore.tape.store.Campaign.Counts;

/**
 * The copy of a campaign's staged files on to its target dataset, where the target rule brings them to their
 * destination. A {@code (:CampaignFile)}'s {@code copy} is null until the STAGED file is handed to the target, then
 * ATTACHED (to the target dataset) or LEFT_OUT (no longer wanted there). Reached through
 * {@link CampaignStore#copies()}.
 */
public final class CampaignCopyStore {

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

    /**
     * A staged file (bound as {@code f}, its campaign as {@code c}) still on its way to the target: not attached yet,
     * or attached, still in the target dataset, and the target rule's lock on it neither OK nor STUCK (including no
     * lock yet, before the re-evaluation ran).
     */
    static final String OUTSTANDING = """
            (f.copy IS NULL OR (f.copy = 'ATTACHED'
              AND EXISTS { MATCH (:Did {key: c.target_dataset})-[:CONTAINS]->(:Did {key: f.did_key}) }
              AND NOT EXISTS { MATCH (:Rule {id: c.target_rule})-[l:LOCK]->(:Did {key: f.did_key})
                               WHERE l.state IN ['OK', 'STUCK'] }))""";

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
            List<Record> staged = tx.run(select + "RETURN f.key AS key, f.did_key AS did", p).list();
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


    /** How many of the campaign's staged files are still on their way to its target (0 without one). */
    public long copiesOutstanding(String campaignId) {
        return store.read(tx -> tx.run("""
                MATCH (c:Campaign {id: $id}) WHERE c.target_dataset IS NOT NULL
                  AND EXISTS { MATCH (:Rule {id: c.target_rule}) }
                MATCH (f:CampaignFile {campaign_id: $id, state: 'STAGED'}) WHERE %s
                RETURN count(f) AS n
                """.formatted(OUTSTANDING), Map.of("id", campaignId)).single().get("n").asLong());
    }

    /** Where the campaign's staged files are on their way to its target; {@link CopyProgress#NONE} without one. */
    public CopyProgress copyProgress(String campaignId) {
        long[] c = new long[8];
        store.read(tx -> tx.run("""
                MATCH (c:Campaign {id: $id}) WHERE c.target_dataset IS NOT NULL
                MATCH (f:CampaignFile {campaign_id: $id, state: 'STAGED'}) WHERE f.copy IS NOT NULL
                WITH c, f, CASE
                  WHEN f.copy = 'LEFT_OUT' THEN 'left'
                  WHEN EXISTS { MATCH (:Rule {id: c.target_rule})-[:LOCK {state: 'OK'}]->(:Did {key: f.did_key}) } THEN 'copied'
                  WHEN NOT EXISTS { MATCH (:Did {key: c.target_dataset})-[:CONTAINS]->(:Did {key: f.did_key}) } THEN 'left'
                  WHEN EXISTS { MATCH (:Rule {id: c.target_rule})-[:LOCK {state: 'STUCK'}]->(:Did {key: f.did_key}) } THEN 'stuck'
                  ELSE 'copying' END AS s
                RETURN s, f.copy = 'ATTACHED' AS attached, count(f) AS files, sum(f.bytes) AS bytes
                """, Map.of("id", campaignId)).list()).forEach(r -> {
            long files = r.get("files").asLong();
            long bytes = r.get("bytes").asLong();
            if (r.get("attached").asBoolean()) {
                c[0] += files;
                c[1] += bytes;
            }
            int at = switch (r.get("s").asString()) {
                case "copied" -> 2;
                case "stuck" -> 4;
                case "left" -> 6;
                default -> -1;
            };
            if (at >= 0) {
                c[at] += files;
                c[at + 1] += bytes;
            }
        });
        return new CopyProgress(new Counts(c[0], c[1]), new Counts(c[2], c[3]), new Counts(c[4], c[5]),
                new Counts(c[6], c[7]));
    }

    /**
     * Up to {@code limit} staged files whose copy to the target got stuck, with the lock's reason (state STAGED: they
     * are on the tape buffer, not at the destination).
     */
    public List<CampaignFile> copyFailures(String campaignId, int limit) {
        return store.read(tx -> tx.run("""
                MATCH (c:Campaign {id: $id}) WHERE c.target_dataset IS NOT NULL
                MATCH (f:CampaignFile {campaign_id: $id, state: 'STAGED'}) WHERE f.copy = 'ATTACHED'
                MATCH (:Rule {id: c.target_rule})-[l:LOCK {state: 'STUCK'}]->(:Did {key: f.did_key})
                WITH f, collect(l.rse + ': ' + coalesce(l.error, 'no reason given')) AS errors
                RETURN f, 'copy failed (' + reduce(s = head(errors), e IN tail(errors) | s + '; ' + e) + ')' AS reason
                ORDER BY f.tape_rse, f.path, f.key LIMIT $limit
                """, Map.of("id", campaignId, "limit", (long) limit)).list(r -> {
            CampaignFile f = CampaignFileStore.file(r);
            return new CampaignFile(f.key(), f.didKey(), f.scope(), f.name(), f.bytes(), f.tapeRse(), f.path(), f.state(),
                    f.requestId(), r.get("reason").asString());
        }));
    }
}
