package org.stevedore.tape.store;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.neo4j.driver.Record;
import org.neo4j.driver.Value;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;
import org.stevedore.rules.store.LockQueries;
import org.stevedore.tape.error.CampaignNotFound;
import org.stevedore.tape.store.Campaign.Counts;

/**
 * Campaigns: their creation, target, states, listing and completion. Layout: {@code (:Campaign {id, state,
 * ...parameters, ...counters, target_dataset, target_rule, target_owned, target_task})}; the counters move by deltas in
 * the same transaction as the file states they count ({@link CampaignFileStore}), so reading progress never scans the
 * files. A campaign's files and their staging are in {@link #files()}, the copy of its staged files on to a target
 * dataset in {@link #copies()}: one store per seam, reached from the campaign they belong to.
 */
public final class CampaignStore {

    private final Store store;
    private final Clock clock;
    private final CampaignFileStore files;
    private final CampaignCopyStore copies;
    private final StageSubmissions submissions;
    private final CampaignJoins joins;

    /**
     * @param demand which staged files a campaign's bridge task still needs; {@link StagedFileDemand#none()} in a
     *               process without a workload bridge
     */
    public CampaignStore(Store store, Clock clock, StagedFileDemand demand) {
        this.store = store;
        this.clock = clock;
        this.files = new CampaignFileStore(store, clock);
        this.copies = new CampaignCopyStore(store, clock, demand);
        this.submissions = new StageSubmissions(store, clock, files);
        this.joins = new CampaignJoins(store, clock, files);
    }

    /** The campaigns' files: expansion, the staging queue and staging progress. */
    public CampaignFileStore files() {
        return files;
    }

    /** The record of each stage request around its call (crash safety). */
    public StageSubmissions submissions() {
        return submissions;
    }

    /** Files left to another campaign already staging them. */
    public CampaignJoins joins() {
        return joins;
    }

    /** The copy of campaigns' staged files on to their target dataset. */
    public CampaignCopyStore copies() {
        return copies;
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
     * Makes {@code self} the instance that runs a RUNNING campaign's job, if no instance does: the campaign has no
     * owner, or {@code self} already is its owner, or its owner is not among the {@code live} instances (its heartbeats
     * expired). Answers whether {@code self} owns it now. The first statement writes the campaign, so that of two
     * instances claiming at once the second waits for the first's commit and then sees its owner.
     *
     * @param orphanedOnly only take the campaign of another instance that died, not one without an owner or our own
     */
    public boolean claimOwner(String id, String self, Set<String> live, boolean orphanedOnly) {
        Map<String, Object> p = Map.of("id", id, "self", self, "live", List.copyOf(live), "now", clock.millis(),
                "orphaned_only", orphanedOnly);
        return store.write(tx -> {
            tx.run("MATCH (c:Campaign {id: $id}) SET c.owner_checked_at = $now", p).consume();
            return tx.run("""
                    MATCH (c:Campaign {id: $id})
                    WITH c, c.state = 'RUNNING' AND CASE
                        WHEN c.owner IS NULL OR c.owner = $self THEN NOT $orphaned_only
                        ELSE NOT c.owner IN $live END AS free
                    SET c.owner = CASE WHEN free THEN $self ELSE c.owner END
                    RETURN free
                    """, p).list(r -> r.get("free").asBoolean()).stream().findFirst().orElse(false);
        });
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
     * COMPLETED once expanded with no file PENDING or REQUESTED and, with a target whose rule exists, no staged file
     * still on its way there ({@link CampaignCopyStore#copiesOutstanding}); answers whether it is complete now. The
     * copies are counted first, reading the target rule's locks through the rules engine in this transaction, and the
     * state is moved by a second statement that checks the campaign's counters again.
     */
    public boolean completeIfDone(String id) {
        return store.write(tx -> {
            Record c = tx.run("""
                    MATCH (c:Campaign {id: $id})
                    RETURN c.expanded AND c.staged_files + c.failed_files >= c.total_files AS staged,
                           c.target_dataset IS NOT NULL AS targeted, c.target_rule AS rule
                    """, Map.of("id", id)).single();
            String rule = Values.str(c.get("rule"));
            boolean copied = c.get("staged").asBoolean() && (!c.get("targeted").asBoolean() || rule == null
                    || !LockQueries.ruleExists(tx, rule)
                    || CampaignCopyStore.outstanding(tx, id, rule, store.batchSize(), true) == 0);
            return tx.run("""
                    MATCH (c:Campaign {id: $id})
                    WITH c, $copied AND c.expanded AND c.staged_files + c.failed_files >= c.total_files AS done
                    SET c.state = CASE WHEN done AND c.state IN ['RUNNING', 'PAUSED'] THEN 'COMPLETED' ELSE c.state END,
                        c.completed_at = CASE WHEN done AND c.completed_at IS NULL THEN $now ELSE c.completed_at END
                    RETURN c.state = 'COMPLETED' AS complete
                    """, Map.of("id", id, "now", clock.millis(), "copied", copied)).single()
                    .get("complete").asBoolean();
        });
    }

    // ---- mapping ----------------------------------------------------------------------------------------------

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
}
