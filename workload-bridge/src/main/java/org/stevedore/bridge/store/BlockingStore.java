package org.stevedore.bridge.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.neo4j.driver.Value;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;

/**
 * Why held jobs are held: per input file not yet AVAILABLE on a disk RSE of its task, what the catalog knows of the
 * way it is coming — the task's pin lock on it and that lock's transfer request, a tape campaign staging it, or
 * nothing at all. One graph query walks file → replicas → lock → request / campaign file → campaign, for one job
 * (its readiness) or for every held job of a task at once (what blocks the task), which is what a workflow needs to
 * tell "wait" from "a person must act".
 *
 * <p>Reasons, first match wins: {@code LOST} (the lock is STUCK with reason {@code lost...}: the data-lifecycle side's
 * mark of a file declared lost), {@code MISSING} (no AVAILABLE replica anywhere), {@code STUCK} (the lock is STUCK, or
 * the recall from tape failed), {@code TRANSFER} (the lock is REPLICATING: a transfer is queued, submitted or
 * retried), {@code CAMPAIGN} (a tape campaign is staging it, the task's lock not written yet), {@code WAITING} (none of
 * these yet: the rule has not reached the file).
 */
public final class BlockingStore {

    /** The reasons that no worker will clear by itself: someone must act (re-upload, repair, declare). */
    public static final List<String> BLOCKED = List.of("LOST", "MISSING", "STUCK");

    /** One blocking input file, the jobs it holds (at most the page's share) and what is known of its way. */
    public record Blocker(String file, String reason, String rse, String error, Request request, CampaignFile campaign,
                          List<String> jobs, long jobCount) {
    }

    /** The task's pin transfer of the file; {@code attempts} counts submissions made, the running one included. */
    public record Request(String state, long attempts, String error) {
    }

    /** The campaign staging the file: its id and state, and the file's state in it. */
    public record CampaignFile(String campaignId, String campaignState, String fileState) {
    }

    /**
     * The inputs that hold one job, and the ETA of each campaign staging some of them (when it knows one).
     * {@link #blocked()}: one of them will not come without someone acting.
     */
    public record Holding(List<Blocker> inputs, Map<String, java.time.Duration> campaignEtas) {
        public boolean blocked() {
            return inputs.stream().anyMatch(b -> BLOCKED.contains(b.reason()));
        }
    }

    /** Held files of a task with one reason: how many, how many jobs they hold, and a page of them. */
    public record Group(String reason, long files, long jobs, List<Blocker> page, String next) {
    }

    /**
     * From rows {@code (f, jobs, rses, ruleId)} (a file, the ids of the held jobs that need it, the task's disk RSE
     * ids and its pin rule's id): those not AVAILABLE on a disk RSE of the task, with their reason, the task's lock
     * on them and, for a file without one, the campaign file staging it. Only what the reason needs is read for every file; the
     * rest ({@link #DOCUMENT}) only for the files shown.
     */
    private static final String REASON = """
            WHERE NOT EXISTS { MATCH (f)-[:REPLICA {state: 'AVAILABLE'}]->(r:Rse) WHERE r.id IN rses }
            WITH f, jobs, [(f)<-[l:LOCK]-(r:Rule) WHERE r.id = ruleId | l][0] AS l
            WITH f, jobs, l, CASE WHEN l IS NULL THEN head(COLLECT {
                MATCH (cf:CampaignFile {did_key: f.key})
                OPTIONAL MATCH (c:Campaign {id: cf.campaign_id})
                RETURN cf ORDER BY CASE WHEN c.state IN ['RUNNING', 'PAUSED'] THEN 0 ELSE 1 END, cf.key DESC
              }) END AS cf
            WITH f, jobs, l, cf, CASE
                WHEN l.state = 'STUCK' AND toLower(coalesce(l.error, '')) STARTS WITH 'lost' THEN 'LOST'
                WHEN NOT EXISTS { MATCH (f)-[:REPLICA {state: 'AVAILABLE'}]->(:Rse) } THEN 'MISSING'
                WHEN l.state = 'STUCK' THEN 'STUCK'
                WHEN l IS NULL AND cf.state = 'FAILED' THEN 'STUCK'
                WHEN l.state = 'REPLICATING' THEN 'TRANSFER'
                WHEN l IS NULL AND cf IS NOT NULL THEN 'CAMPAIGN'
                ELSE 'WAITING' END AS reason
            """;

    /** From rows {@code (f, jobs, l, cf, reason)}: the document of the file, its jobs sorted and cut to a page. */
    private static final String DOCUMENT = """
            OPTIONAL MATCH (q:Request {key: f.key + '|' + l.rse_id})
            OPTIONAL MATCH (c:Campaign {id: cf.campaign_id})
            WITH f, jobs, l, cf, reason, q, c, COLLECT { UNWIND jobs AS jid RETURN jid ORDER BY jid } AS sorted
            WITH f, {file: f.key, reason: reason, rse: l.rse, error: coalesce(l.error, cf.reason),
                 request: CASE WHEN q IS NULL THEN null ELSE {state: q.state, error: q.error,
                     attempts: coalesce(q.retry_count, 0) + CASE WHEN q.state = 'SUBMITTED' THEN 1 ELSE 0 END} END,
                 campaign: CASE WHEN cf IS NULL THEN null ELSE {id: c.id, state: c.state, fileState: cf.state} END,
                 jobs: sorted[0..$jobsPerFile], jobCount: size(jobs)} AS doc
            """;

    private final Store store;

    public BlockingStore(Store store) {
        this.store = store;
    }

    /** The inputs of one job that are not yet on a disk RSE of its task, by file key. */
    public List<Blocker> ofJob(String jobId) {
        return store.read(tx -> tx.run("""
                MATCH (t:BridgeTask)-[:HAS_JOB]->(j:BridgeJob {id: $id})-[:NEEDS]->(f:Did)
                WITH f, [j.id] AS jobs, t.rse_ids AS rses, t.rule_id AS ruleId
                """ + REASON + DOCUMENT + " RETURN doc ORDER BY f.key", Map.of("id", jobId, "jobsPerFile", 1))
                .list(r -> blocker(r.get("doc"))));
    }

    /**
     * What holds the HELD jobs of a task, grouped by reason (all reasons, or only {@code reason}): per reason the
     * number of files and of distinct jobs they hold, and the first {@code limit} files (by key, after {@code after})
     * with at most {@code jobsPerFile} of their jobs each. One query.
     */
    public List<Group> ofTask(String taskId, String reason, String after, int limit, int jobsPerFile) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", taskId);
        params.put("reason", reason);
        params.put("after", after == null ? "" : after);
        params.put("limit", limit);
        params.put("jobsPerFile", jobsPerFile);
        return store.read(tx -> tx.run("""
                MATCH (t:BridgeTask {id: $id})
                WITH t, t.rse_ids AS rses, t.rule_id AS ruleId
                MATCH (t)-[:HAS_JOB]->(j:BridgeJob {state: 'HELD'})-[:NEEDS]->(f:Did)
                WITH f, collect(j.id) AS jobs, rses, ruleId
                """ + REASON + """
                WITH f, jobs, l, cf, reason WHERE $reason IS NULL OR reason = $reason
                ORDER BY f.key
                WITH reason, count(*) AS files, collect(jobs) AS held,
                     collect(CASE WHEN f.key > $after THEN {f: f, jobs: jobs, l: l, cf: cf} END)[0..$limit + 1] AS shown
                CALL {
                  WITH held
                  UNWIND held AS js UNWIND js AS jid
                  RETURN count(DISTINCT jid) AS jobs
                }
                CALL {
                  WITH shown, reason
                  UNWIND shown AS s
                  WITH s.f AS f, s.jobs AS jobs, s.l AS l, s.cf AS cf, reason
                  """ + DOCUMENT + """
                  WITH doc ORDER BY doc.file
                  RETURN collect(doc) AS page
                }
                RETURN reason, files, jobs, page ORDER BY files DESC, reason
                """, params).list(r -> group(r, limit)));
    }

    private static Group group(Record r, int limit) {
        List<Blocker> page = new ArrayList<>(r.get("page").asList(BlockingStore::blocker));
        String next = null;
        if (page.size() > limit) {
            page.remove(page.size() - 1);
            next = page.get(page.size() - 1).file();
        }
        return new Group(r.get("reason").asString(), r.get("files").asLong(), r.get("jobs").asLong(), List.copyOf(page),
                next);
    }

    private static Blocker blocker(Value d) {
        Value q = d.get("request");
        Value c = d.get("campaign");
        return new Blocker(d.get("file").asString(), d.get("reason").asString(), Values.str(d.get("rse")),
                Values.str(d.get("error")),
                q.isNull() ? null : new Request(q.get("state").asString(), q.get("attempts").asLong(),
                        Values.str(q.get("error"))),
                c.isNull() ? null : new CampaignFile(Values.str(c.get("id")), Values.str(c.get("state")),
                        Values.str(c.get("fileState"))),
                d.get("jobs").asList(Value::asString), d.get("jobCount").asLong());
    }
}
