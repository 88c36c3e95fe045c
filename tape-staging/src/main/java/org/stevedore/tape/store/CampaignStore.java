package org.stevedore.tape.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;
import org.stevedore.tape.error.CampaignNotFound;
import org.stevedore.tape.store.Campaign.Counts;

/**
 * Campaigns and their files. Layout: {@code (:Campaign {id, state, ...parameters, ...counters, target_dataset,
 * target_rule, target_owned, target_task})} and {@code (:CampaignFile {key: <campaign id>|<scope:name>, campaign_id,
 * did_key, bytes, tape_rse, path, state, request_id, reason, staged_at, copy})}, where {@code copy} is null until a
 * STAGED file is handed to the target, then ATTACHED (to the target dataset) or LEFT_OUT (no longer wanted there). The counters on the campaign move by deltas in the same transaction as the file
 * states they count, so reading progress never scans the files.
 */
public final class CampaignStore {

    /** A file under a campaign's inputs, with the tape replicas it could be staged from. */
    public record Candidate(String didKey, String scope, String name, long bytes, List<TapeCopy> tapeCopies) {
    }

    /** A replica on a TAPE RSE. */
    public record TapeCopy(String rse, String path) {
    }

    /** A staged or failed file (by key); {@code reason} only for failures. */
    public record Outcome(String key, boolean staged, String reason) {
    }

    /** A stage request still waiting for some of the campaign's files, and the tape RSE it went to. */
    public record OutstandingRequest(String requestId, String tapeRse) {
    }

    private final Store store;
    private final Clock clock;
    private final AttachmentStore attachments;

    public CampaignStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.attachments = new AttachmentStore(store, clock, new UpdatedDidQueue(store));
    }

    // ---- campaigns --------------------------------------------------------------------------------------------

    public Campaign create(NewCampaign c) {
        return create(newId(), c, null);
    }

    /** A fresh campaign id (for a target made before the campaign is written). */
    public static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** Creates campaign {@code id}, whose staged files go on to {@code target} (null: they stay in the tape buffer). */
    public Campaign create(String id, NewCampaign c, CampaignTarget target) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", id);
        p.put("account", c.account());
        p.put("inputs", c.inputs());
        p.put("dest", c.destinationExpression());
        p.put("pin", c.pinLifetime().toSeconds());
        p.put("wf", c.windowFiles());
        p.put("wb", c.windowBytes());
        p.put("priority", (long) c.priority());
        p.put("deadline", Times.millis(c.deadline()));
        p.put("now", clock.millis());
        p.put("t_dataset", target == null ? null : target.datasetKey());
        p.put("t_rule", target == null ? null : target.ruleId());
        p.put("t_owned", target != null && target.owned());
        p.put("t_task", target == null ? null : target.bridgeTaskId());
        return store.write(tx -> campaign(tx.run("""
                CREATE (c:Campaign {id: $id, account: $account, state: 'RUNNING', inputs: $inputs,
                        target_dataset: $t_dataset, target_rule: $t_rule, target_owned: $t_owned, target_task: $t_task,
                        destination_expression: $dest, pin_lifetime_s: $pin, window_files: $wf, window_bytes: $wb,
                        priority: $priority, deadline: $deadline, expanded: false,
                        total_files: 0, total_bytes: 0, requested_files: 0, requested_bytes: 0,
                        staged_files: 0, staged_bytes: 0, failed_files: 0, failed_bytes: 0,
                        created_at: $now, updated_at: $now})
                RETURN c
                """, p).single()));
    }

    /** @throws CampaignNotFound when there is no such campaign */
    public Campaign get(String id) {
        return store.read(tx -> tx.run("MATCH (c:Campaign {id: $id}) RETURN c", Map.of("id", id)).list())
                .stream().findFirst().map(CampaignStore::campaign)
                .orElseThrow(() -> new CampaignNotFound("Campaign '" + id + "' not found"));
    }

    /** Records where the campaign's staged files go on to (a campaign made before its dataset and rule). */
    public void setTarget(String id, CampaignTarget target) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", id);
        p.put("dataset", target.datasetKey());
        p.put("rule", target.ruleId());
        p.put("owned", target.owned());
        p.put("task", target.bridgeTaskId());
        p.put("now", clock.millis());
        store.run("""
                MATCH (c:Campaign {id: $id})
                SET c.target_dataset = $dataset, c.target_rule = $rule, c.target_owned = $owned, c.target_task = $task,
                    c.updated_at = $now
                """, p);
    }

    /** Removes a campaign that never started (its submission failed after it was written), with its files. */
    public void delete(String id) {
        store.write(tx -> {
            tx.run("MATCH (f:CampaignFile {campaign_id: $id}) DETACH DELETE f", Map.of("id", id)).consume();
            tx.run("MATCH (c:Campaign {id: $id}) DETACH DELETE c", Map.of("id", id)).consume();
            return null;
        });
    }

    /** Streams campaigns, newest first, optionally of one state and account. */
    public void list(CampaignState state, String account, Consumer<Campaign> sink) {
        Map<String, Object> p = new HashMap<>();
        p.put("state", state == null ? null : state.name());
        p.put("account", account);
        store.stream("""
                MATCH (c:Campaign) WHERE ($state IS NULL OR c.state = $state) AND ($account IS NULL OR c.account = $account)
                RETURN c ORDER BY c.created_at DESC, c.id
                """, p, r -> sink.accept(campaign(r)));
    }

    /** The ids of the campaigns in one of {@code states}, oldest first. */
    public List<String> ids(Collection<CampaignState> states) {
        return store.read(tx -> tx.run("MATCH (c:Campaign) WHERE c.state IN $states RETURN c.id AS id ORDER BY c.created_at",
                Map.of("states", states.stream().map(Enum::name).toList())).list(r -> r.get("id").asString()));
    }

    /**
     * Moves a campaign to {@code to} if it is in one of {@code from}; answers whether it moved.
     *
     * @throws CampaignNotFound when there is no such campaign
     */
    public boolean transition(String id, Set<CampaignState> from, CampaignState to) {
        List<String> result = store.write(tx -> tx.run("""
                MATCH (c:Campaign {id: $id})
                WITH c, c.state IN $from AS moves
                SET c.state = CASE WHEN moves THEN $to ELSE c.state END,
                    c.updated_at = CASE WHEN moves THEN $now ELSE c.updated_at END,
                    c.completed_at = CASE WHEN moves AND $final THEN $now ELSE c.completed_at END
                RETURN moves
                """, Map.of("id", id, "from", from.stream().map(Enum::name).toList(), "to", to.name(),
                "now", clock.millis(), "final", to.finished())).list(r -> String.valueOf(r.get("moves").asBoolean())));
        if (result.isEmpty()) {
            throw new CampaignNotFound("Campaign '" + id + "' not found");
        }
        return Boolean.parseBoolean(result.get(0));
    }

    /** Records why a campaign stopped making progress (null clears it). */
    public void setError(String id, String error) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", id);
        p.put("error", error);
        p.put("now", clock.millis());
        store.run("MATCH (c:Campaign {id: $id}) SET c.error = $error, c.updated_at = $now", p);
    }

    /**
     * Campaigns whose deadline is enforced next, oldest deadline first: RUNNING or PAUSED ones whose deadline has come,
     * and EXPIRED ones that still have files neither staged nor failed (their clean-up was cut short).
     */
    public List<String> pastDeadline(int limit) {
        return store.read(tx -> tx.run("""
                MATCH (c:Campaign) WHERE c.deadline <= $now
                  AND (c.state IN ['RUNNING', 'PAUSED']
                       OR (c.state = 'EXPIRED' AND c.total_files > c.staged_files + c.failed_files))
                RETURN c.id AS id ORDER BY c.deadline, c.id LIMIT $limit
                """, Map.of("now", clock.millis(), "limit", (long) limit)).list(r -> r.get("id").asString()));
    }

    /**
     * COMPLETED once expanded with no file PENDING or REQUESTED and, with a target, no staged file still on its way
     * there ({@link #copiesOutstanding}); answers whether it is complete now.
     */
    public boolean completeIfDone(String id) {
        return store.write(tx -> tx.run("""
                MATCH (c:Campaign {id: $id})
                WITH c, c.expanded AND c.staged_files + c.failed_files >= c.total_files AS staged
                WITH c, staged AND (c.target_dataset IS NULL OR NOT EXISTS { MATCH (:Rule {id: c.target_rule}) }
                        OR NOT EXISTS {
                          MATCH (f:CampaignFile {campaign_id: c.id, state: 'STAGED'}) WHERE %s
                        }) AS done
                SET c.state = CASE WHEN done AND c.state IN ['RUNNING', 'PAUSED'] THEN 'COMPLETED' ELSE c.state END,
                    c.completed_at = CASE WHEN done AND c.completed_at IS NULL THEN $now ELSE c.completed_at END
                RETURN c.state = 'COMPLETED' AS complete
                """.formatted(OUTSTANDING), Map.of("id", id, "now", clock.millis())).single().get("complete").asBoolean());
    }

    // ---- expansion --------------------------------------------------------------------------------------------

    /**
     * Streams every distinct file under {@code inputKeys}, with its AVAILABLE replicas on the RSEs it is staged from:
     * TAPE RSEs, and DISK RSEs whose {@code staging_required} attribute is true (a disk buffer in front of a tape,
     * recalled in place).
     */
    public void candidates(List<String> inputKeys, Consumer<Candidate> sink) {
        store.stream("""
                UNWIND $inputs AS k
                MATCH (:Did {key: k})-[:CONTAINS*0..]->(f:Did {did_type: 'FILE'})
                WITH DISTINCT f
                RETURN f.key AS key, f.scope AS scope, f.name AS name, coalesce(f.bytes, 0) AS bytes,
                       [(f)-[r:REPLICA {state: 'AVAILABLE'}]->(t:Rse)
                         WHERE t.rse_type = 'TAPE'
                            OR toLower(trim(toString(t.`attr:staging_required`))) IN ['true', '1', 'yes']
                         | [t.rse, r.path]] AS tapes
                """, Map.of("inputs", inputKeys), r -> {
            List<TapeCopy> copies = new ArrayList<>();
            for (Object o : r.get("tapes").asList()) {
                List<?> pair = (List<?>) o;
                copies.add(new TapeCopy((String) pair.get(0), (String) pair.get(1)));
            }
            sink.accept(new Candidate(r.get("key").asString(), r.get("scope").asString(), r.get("name").asString(),
                    r.get("bytes").asLong(), copies));
        });
    }

    /**
     * Adds files to a campaign, skipping those it has already (a restarted expansion writes the same files again):
     * PENDING with their tape RSE and path, or FAILED with a reason when {@code tapeRse} is null. Returns how many were
     * new.
     */
    public int addFiles(String campaignId, List<CampaignFile> files) {
        if (files.isEmpty()) {
            return 0;
        }
        List<Map<String, Object>> rows = new ArrayList<>(files.size());
        for (CampaignFile f : files) {
            Map<String, Object> row = new HashMap<>();
            row.put("key", fileKey(campaignId, f.didKey()));
            row.put("did_key", f.didKey());
            row.put("scope", f.scope());
            row.put("name", f.name());
            row.put("bytes", f.bytes());
            row.put("tape_rse", f.tapeRse());
            row.put("path", f.path());
            row.put("state", f.state().name());
            row.put("reason", f.reason());
            rows.add(row);
        }
        return store.write(tx -> {
            Set<String> existing = new HashSet<>(tx.run("""
                    UNWIND $keys AS k MATCH (f:CampaignFile {key: k}) RETURN f.key AS key
                    """, Map.of("keys", rows.stream().map(r -> r.get("key")).toList())).list(r -> r.get("key").asString()));
            List<Map<String, Object>> fresh = rows.stream().filter(r -> !existing.contains((String) r.get("key"))).toList();
            long bytes = 0;
            long failedFiles = 0;
            long failedBytes = 0;
            for (Map<String, Object> r : fresh) {
                bytes += (long) r.get("bytes");
                if (CampaignFileState.FAILED.name().equals(r.get("state"))) {
                    failedFiles++;
                    failedBytes += (long) r.get("bytes");
                }
            }
            tx.run("""
                    UNWIND $rows AS row
                    CREATE (f:CampaignFile {key: row.key, campaign_id: $id, did_key: row.did_key, scope: row.scope,
                            name: row.name, bytes: row.bytes, tape_rse: row.tape_rse, path: row.path, state: row.state,
                            reason: row.reason})
                    """, Map.of("rows", fresh, "id", campaignId)).consume();
            bump(tx, campaignId, Map.of("total_files", (long) fresh.size(), "total_bytes", bytes,
                    "failed_files", failedFiles, "failed_bytes", failedBytes));
            return fresh.size();
        });
    }

    public void markExpanded(String campaignId) {
        store.run("MATCH (c:Campaign {id: $id}) SET c.expanded = true, c.updated_at = $now",
                Map.of("id", campaignId, "now", clock.millis()));
    }

    // ---- the staging queue ------------------------------------------------------------------------------------

    /** PENDING files and bytes per tape RSE, in tape RSE order. */
    public Map<String, Counts> pendingByTapeRse(String campaignId) {
        return countsByTapeRse(campaignId, CampaignFileState.PENDING);
    }

    /** REQUESTED (in flight) files and bytes per tape RSE. */
    public Map<String, Counts> inFlightByTapeRse(String campaignId) {
        return countsByTapeRse(campaignId, CampaignFileState.REQUESTED);
    }

    private Map<String, Counts> countsByTapeRse(String campaignId, CampaignFileState state) {
        Map<String, Counts> counts = new LinkedHashMap<>();
        store.read(tx -> tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id, state: $state}) WHERE f.tape_rse IS NOT NULL AND f.path IS NOT NULL
                RETURN f.tape_rse AS rse, count(f) AS files, sum(f.bytes) AS bytes ORDER BY rse
                """, Map.of("id", campaignId, "state", state.name())).list()).forEach(r -> counts.put(
                r.get("rse").asString(), new Counts(r.get("files").asLong(), r.get("bytes").asLong())));
        return counts;
    }

    /** The next PENDING files of a campaign on one tape RSE, by path, after {@code afterPath} (null: from the start). */
    public List<CampaignFile> pending(String campaignId, String tapeRse, String afterPath, int limit) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", campaignId);
        p.put("rse", tapeRse);
        p.put("after", afterPath == null ? "" : afterPath);
        p.put("limit", (long) limit);
        return store.read(tx -> tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id, state: 'PENDING', tape_rse: $rse}) WHERE f.path > $after
                RETURN f ORDER BY f.path LIMIT $limit
                """, p).list(CampaignStore::file));
    }

    /**
     * Records that PENDING files (by key) went into stage request {@code requestId}, in one transaction with the
     * campaign's counters. Returns how many were PENDING; the others are left alone.
     */
    public int requested(String campaignId, List<String> keys, String requestId) {
        long now = clock.millis();
        return store.write(tx -> {
            Record r = tx.run("""
                    UNWIND $keys AS k
                    MATCH (f:CampaignFile {key: k}) WHERE f.state = 'PENDING'
                    SET f.state = 'REQUESTED', f.request_id = $request, f.requested_at = $now
                    RETURN count(f) AS files, coalesce(sum(f.bytes), 0) AS bytes
                    """, Map.of("keys", keys, "request", requestId, "now", now)).single();
            long files = r.get("files").asLong();
            bump(tx, campaignId, Map.of("requested_files", files, "requested_bytes", r.get("bytes").asLong()));
            return (int) files;
        });
    }

    /**
     * Fails PENDING files (by key) with a reason, counters included: files that can never be requested (larger than
     * any window, no endpoint, refused by the endpoint). Returns the files and bytes failed.
     */
    public Counts failPending(String campaignId, List<String> keys, String reason) {
        long now = clock.millis();
        return store.write(tx -> {
            Record r = tx.run("""
                    UNWIND $keys AS k
                    MATCH (f:CampaignFile {key: k}) WHERE f.state = 'PENDING'
                    SET f.state = 'FAILED', f.reason = $reason, f.settled_at = $now
                    RETURN count(f) AS files, coalesce(sum(f.bytes), 0) AS bytes
                    """, Map.of("keys", keys, "reason", reason, "now", now)).single();
            Counts failed = new Counts(r.get("files").asLong(), r.get("bytes").asLong());
            bump(tx, campaignId, Map.of("failed_files", failed.files(), "failed_bytes", failed.bytes()));
            return failed;
        });
    }

    /** The distinct stage requests that still have REQUESTED files of the campaign. */
    public List<OutstandingRequest> outstanding(String campaignId) {
        return store.read(tx -> tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id, state: 'REQUESTED'}) WHERE f.tape_rse IS NOT NULL AND f.path IS NOT NULL
                RETURN DISTINCT f.request_id AS request, f.tape_rse AS rse ORDER BY rse, request
                """, Map.of("id", campaignId)).list(r -> new OutstandingRequest(r.get("request").asString(),
                r.get("rse").asString())));
    }

    /** The REQUESTED files of one stage request, by path. */
    public Map<String, CampaignFile> requestedIn(String campaignId, String requestId) {
        Map<String, CampaignFile> byPath = new HashMap<>();
        store.read(tx -> tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id, request_id: $request}) WHERE f.state = 'REQUESTED'
                RETURN f
                """, Map.of("id", campaignId, "request", requestId)).list(CampaignStore::file))
                .forEach(f -> byPath.put(f.path(), f));
        return byPath;
    }

    /**
     * Settles REQUESTED files as STAGED or FAILED (with the reason), counters included, in one transaction. Files
     * no longer REQUESTED are skipped, so a repeated poll counts nothing twice. Returns the settled files and bytes
     * per tape RSE.
     */
    public Map<String, Counts> settle(String campaignId, List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return Map.of();
        }
        List<Map<String, Object>> rows = new ArrayList<>(outcomes.size());
        for (Outcome o : outcomes) {
            Map<String, Object> row = new HashMap<>();
            row.put("key", o.key());
            row.put("staged", o.staged());
            row.put("reason", o.staged() ? null : (o.reason() == null ? "failed without a reason" : o.reason()));
            rows.add(row);
        }
        long now = clock.millis();
        return store.write(tx -> {
            Map<String, Counts> freed = new HashMap<>();
            long[] sums = new long[4];
            tx.run("""
                    UNWIND $rows AS row
                    MATCH (f:CampaignFile {key: row.key}) WHERE f.state = 'REQUESTED'
                    SET f.state = CASE WHEN row.staged THEN 'STAGED' ELSE 'FAILED' END, f.reason = row.reason,
                        f.staged_at = CASE WHEN row.staged THEN $now ELSE null END, f.settled_at = $now
                    RETURN f.tape_rse AS rse, row.staged AS staged, count(f) AS files, sum(f.bytes) AS bytes
                    """, Map.of("rows", rows, "now", now)).list().forEach(r -> {
                long files = r.get("files").asLong();
                long bytes = r.get("bytes").asLong();
                int at = r.get("staged").asBoolean() ? 0 : 2;
                sums[at] += files;
                sums[at + 1] += bytes;
                freed.merge(r.get("rse").asString(), new Counts(files, bytes),
                        (a, b) -> new Counts(a.files() + b.files(), a.bytes() + b.bytes()));
            });
            bump(tx, campaignId, Map.of("staged_files", sums[0], "staged_bytes", sums[1], "failed_files", sums[2],
                    "failed_bytes", sums[3]));
            return freed;
        });
    }

    /** Files and bytes of the campaign staged since {@code since}: the measured rate. */
    public Counts stagedSince(String campaignId, Instant since) {
        Record r = store.read(tx -> tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id}) WHERE f.staged_at >= $since
                RETURN count(f) AS files, coalesce(sum(f.bytes), 0) AS bytes
                """, Map.of("id", campaignId, "since", since.toEpochMilli())).single());
        return new Counts(r.get("files").asLong(), r.get("bytes").asLong());
    }

    /** When the campaign's last file was seen staged, or null. */
    public Instant lastStaged(String campaignId) {
        return store.read(tx -> Times.instant(tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id}) WHERE f.staged_at IS NOT NULL RETURN max(f.staged_at) AS last
                """, Map.of("id", campaignId)).single().get("last")));
    }

    /** Up to {@code limit} files of the campaign in one state, by tape RSE and path (failed files keep their reason). */
    public List<CampaignFile> files(String campaignId, CampaignFileState state, int limit) {
        return store.read(tx -> tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id, state: $state})
                RETURN f ORDER BY f.tape_rse, f.path, f.key LIMIT $limit
                """, Map.of("id", campaignId, "state", state.name(), "limit", (long) limit)).list(CampaignStore::file));
    }

    /** Marks the campaign's PENDING and REQUESTED files FAILED with {@code reason} (cancelled, or past its deadline). */
    public int failOpen(String campaignId, String reason) {
        long now = clock.millis();
        return store.write(tx -> {
            Record r = tx.run("""
                    MATCH (f:CampaignFile {campaign_id: $id}) WHERE f.state IN ['PENDING', 'REQUESTED']
                    SET f.state = 'FAILED', f.reason = $reason, f.settled_at = $now
                    RETURN count(f) AS files, coalesce(sum(f.bytes), 0) AS bytes
                    """, Map.of("id", campaignId, "reason", reason, "now", now)).single();
            bump(tx, campaignId, Map.of("failed_files", r.get("files").asLong(), "failed_bytes", r.get("bytes").asLong()));
            return (int) r.get("files").asLong();
        });
    }

    // ---- the copy to the destination ----------------------------------------------------------------------------

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
     * first (as the task's job ends take it) and only files an unfinished job of the ACTIVE task still needs are
     * attached; the others are marked left out. Answers how many files were attached; 0 without a target.
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
            boolean taskActive = true;
            if (task != null) {
                List<Record> t = tx.run("MATCH (t:BridgeTask {id: $task}) SET t.locked_at = $now RETURN t.state AS state",
                        Map.of("task", task, "now", now)).list();
                taskActive = !t.isEmpty() && "ACTIVE".equals(t.get(0).get("state").asString());
            }
            Map<String, Object> p = new HashMap<>();
            p.put("id", campaignId);
            p.put("keys", keys);
            p.put("task", task);
            String select = keys == null ? """
                    MATCH (f:CampaignFile {campaign_id: $id, state: 'STAGED'}) WHERE f.copy IS NULL
                    """ : """
                    UNWIND $keys AS k
                    MATCH (f:CampaignFile {key: k}) WHERE f.campaign_id = $id AND f.state = 'STAGED' AND f.copy IS NULL
                    """;
            List<String> attach = new ArrayList<>();
            List<String> attachKeys = new ArrayList<>();
            List<String> leftOut = new ArrayList<>();
            tx.run(select + """
                    RETURN f.key AS key, f.did_key AS did, $task IS NULL OR EXISTS {
                      MATCH (:Did {key: f.did_key})<-[:NEEDS]-(j:BridgeJob {task_id: $task})
                      WHERE j.state IN ['HELD', 'RELEASED'] } AS needed
                    """, p).list().forEach(r -> {
                if (r.get("needed").asBoolean()) {
                    attach.add(r.get("did").asString());
                    attachKeys.add(r.get("key").asString());
                } else {
                    leftOut.add(r.get("key").asString());
                }
            });
            if (!taskActive) {
                leftOut.addAll(attachKeys);
                attach.clear();
                attachKeys.clear();
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
            CampaignFile f = file(r);
            return new CampaignFile(f.key(), f.didKey(), f.scope(), f.name(), f.bytes(), f.tapeRse(), f.path(), f.state(),
                    f.requestId(), r.get("reason").asString());
        }));
    }

    public static String fileKey(String campaignId, String didKey) {
        return campaignId + "|" + didKey;
    }

    // ---- mapping ----------------------------------------------------------------------------------------------

    private void bump(TransactionContext tx, String campaignId, Map<String, Long> deltas) {
        StringBuilder set = new StringBuilder("c.updated_at = $now");
        Map<String, Object> p = new HashMap<>();
        p.put("id", campaignId);
        p.put("now", clock.millis());
        deltas.forEach((k, v) -> {
            if (v != 0) {
                set.append(", c.").append(k).append(" = c.").append(k).append(" + $").append(k);
                p.put(k, v);
            }
        });
        tx.run("MATCH (c:Campaign {id: $id}) SET " + set, p).consume();
    }

    private static Campaign campaign(Record r) {
        var c = r.get("c").asNode();
        return new Campaign(c.get("id").asString(), c.get("account").asString(),
                CampaignState.valueOf(c.get("state").asString()), c.get("inputs").asList(Value::asString),
                c.get("destination_expression").asString(), Duration.ofSeconds(c.get("pin_lifetime_s").asLong()),
                c.get("window_files").asLong(), c.get("window_bytes").asLong(), c.get("priority").asInt(),
                Times.instant(c.get("deadline")), Values.bool(c.get("expanded"), false),
                new Counts(c.get("total_files").asLong(), c.get("total_bytes").asLong()),
                new Counts(c.get("requested_files").asLong(), c.get("requested_bytes").asLong()),
                new Counts(c.get("staged_files").asLong(), c.get("staged_bytes").asLong()),
                new Counts(c.get("failed_files").asLong(), c.get("failed_bytes").asLong()),
                Values.str(c.get("error")), Times.instant(c.get("created_at")), Times.instant(c.get("updated_at")),
                Times.instant(c.get("completed_at")), target(c));
    }

    private static CampaignTarget target(org.neo4j.driver.types.Node c) {
        String dataset = Values.str(c.get("target_dataset"));
        if (dataset == null) {
            return null;
        }
        return new CampaignTarget(dataset, c.get("target_rule").asString(), Values.bool(c.get("target_owned"), false),
                Values.str(c.get("target_task")));
    }

    private static CampaignFile file(Record r) {
        var f = r.get("f").asNode();
        return new CampaignFile(f.get("key").asString(), f.get("did_key").asString(), f.get("scope").asString(),
                f.get("name").asString(), f.get("bytes").asLong(0), Values.str(f.get("tape_rse")),
                Values.str(f.get("path")), CampaignFileState.valueOf(f.get("state").asString()),
                Values.str(f.get("request_id")), Values.str(f.get("reason")));
    }
}
