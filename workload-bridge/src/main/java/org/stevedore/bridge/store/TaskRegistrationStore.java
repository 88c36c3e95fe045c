package org.stevedore.bridge.store;

import static org.stevedore.bridge.store.BridgeStore.ACTIVE;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Value;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.store.Store;

/**
 * Writing a task: its jobs, its own dataset holding its input files, its pin rule's id and its pre-staging campaign,
 * with the reads a registration needs first (which inputs exist and what files they stand for, which are on tape only)
 * and the undo of a registration whose pin rule could not be made. See {@link BridgeStore} for the layout.
 */
public final class TaskRegistrationStore {

    /**
     * A task to write, validated and expanded to files by the caller. {@code stagedFileKeys} are the input files that
     * join the task's dataset only once a pre-staging campaign has staged them (not at registration).
     */
    public record NewTask(String id, String account, String fingerprint, String rseExpression, List<String> rseIds,
                          long pinLifetimeSeconds, int priority, DidRef dataset, String webhookUrl, String webhookSecret,
                          List<NewJob> jobs, List<String> fileKeys, java.util.Set<String> stagedFileKeys,
                          Stream stream) {

        public NewTask {
            stagedFileKeys = stagedFileKeys == null ? java.util.Set.of() : java.util.Set.copyOf(stagedFileKeys);
        }
    }

    /**
     * A streaming task's following of its inputs: the input DIDs whose files it takes as they are attached, one job
     * per {@code filesPerJob} of them (see {@link StreamStore}).
     */
    public record Stream(List<String> inputs, int filesPerJob) {
    }

    public record NewJob(String id, List<String> fileKeys) {
    }

    private final Store store;
    private final DidStore dids;
    private final AttachmentStore attachments;

    public TaskRegistrationStore(Store store, DidStore dids, AttachmentStore attachments) {
        this.store = store;
        this.dids = dids;
        this.attachments = attachments;
    }

    /**
     * Writes a task, its jobs and its dataset (holding every input file) in one transaction. Refuses job ids that
     * exist already (in another task); the caller checks the task id itself first.
     */
    public void insert(NewTask task, long now) {
        List<Map<String, Object>> datasetRows = dids.rows(List.of(org.stevedore.catalog.did.NewDid.collection(
                task.dataset().scope(), task.dataset().name(), org.stevedore.catalog.did.DidType.DATASET, task.account())));
        List<Map<String, Object>> jobRows = new ArrayList<>(task.jobs().size());
        for (NewJob j : task.jobs()) {
            jobRows.add(Map.of("id", j.id(), "files", j.fileKeys()));
        }
        Map<String, Object> props = new HashMap<>();
        props.put("id", task.id());
        props.put("account", task.account());
        props.put("state", ACTIVE);
        props.put("fingerprint", task.fingerprint());
        props.put("rse_expression", task.rseExpression());
        props.put("rse_ids", task.rseIds());
        props.put("pin_lifetime_s", task.pinLifetimeSeconds());
        props.put("priority", task.priority());
        props.put("dataset_key", task.dataset().key());
        props.put("webhook_url", task.webhookUrl());
        props.put("webhook_secret", task.webhookSecret());
        props.put("release_seq", 0L);
        props.put("lease_expires_at", now + task.pinLifetimeSeconds() * 1000);
        props.put("leased_at", now);
        props.put("created_at", now);
        props.put("updated_at", now);
        props.put("hash_bucket", Partition.bucket(task.id()));
        List<String> scoped = new ArrayList<>(task.fileKeys());
        if (task.stream() != null) {
            // A streaming task may start with no file: its inputs' scopes are its scopes from the start.
            scoped.addAll(task.stream().inputs());
            props.put("streaming", true);
            props.put("inputs", task.stream().inputs());
            props.put("files_per_job", (long) task.stream().filesPerJob());
            props.put("job_seq", (long) task.jobs().size());
        }
        props.put("scopes", scoped.stream().map(k -> k.substring(0, k.indexOf(':'))).distinct().sorted().toList());
        int batch = store.batchSize();
        store.write(tx -> {
            List<String> taken = new ArrayList<>();
            for (int from = 0; from < jobRows.size() && taken.size() < 5; from += batch) {
                taken.addAll(tx.run("UNWIND $ids AS id MATCH (j:BridgeJob {id: id}) RETURN j.id AS id LIMIT 5",
                        Map.of("ids", jobRows.subList(from, Math.min(jobRows.size(), from + batch)).stream()
                                .map(r -> r.get("id")).toList())).list(r -> r.get("id").asString()));
            }
            if (!taken.isEmpty()) {
                throw new Duplicate("Job id(s) already used by another task: " + String.join(", ", taken));
            }
            dids.create(tx, datasetRows);
            attachments.attachIn(tx, new AttachmentStore.Attachment(task.dataset(), task.fileKeys().stream()
                    .filter(k -> !task.stagedFileKeys().contains(k)).map(DidRef::fromKey).toList()), true);
            tx.run("CREATE (t:BridgeTask) SET t = $props", Map.of("props", props)).consume();
            for (int from = 0; from < jobRows.size(); from += batch) {
                tx.run("""
                        MATCH (t:BridgeTask {id: $task})
                        UNWIND $rows AS row
                        CREATE (t)-[:HAS_JOB]->(j:BridgeJob {id: row.id, task_id: $task, state: 'HELD', created_at: $now,
                                                            updated_at: $now, file_count: size(row.files)})
                        WITH j, row
                        UNWIND row.files AS k
                        MATCH (f:Did {key: k})
                        CREATE (j)-[:NEEDS]->(f)
                        """, Map.of("task", task.id(), "rows", jobRows.subList(from, Math.min(jobRows.size(), from + batch)),
                        "now", now)).consume();
            }
            return null;
        });
    }

    /**
     * Input files that still wait to join the task's dataset: needed by a HELD or RELEASED job, not in the dataset.
     * Right after registration these are the files left to the task's campaign; files whose jobs all ended are not.
     */
    public List<String> waitingToJoin(String taskId) {
        return store.read(tx -> tx.run("""
                MATCH (t:BridgeTask {id: $id})
                MATCH (ds:Did {key: t.dataset_key})
                MATCH (t)-[:HAS_JOB]->(j:BridgeJob)-[:NEEDS]->(f:Did) WHERE j.state IN ['HELD', 'RELEASED']
                  AND NOT (ds)-[:CONTAINS]->(f)
                RETURN DISTINCT f.key AS key ORDER BY key
                """, Map.of("id", taskId)).list(r -> r.get("key").asString()));
    }

    /** Of {@code keys}, the collections that are still open (files are never open). */
    public List<String> openInputs(List<String> keys) {
        return store.read(tx -> tx.run("""
                UNWIND $keys AS k
                MATCH (d:Did {key: k}) WHERE d.did_type <> 'FILE' AND coalesce(d.is_open, false)
                RETURN d.key AS key
                """, Map.of("keys", keys)).list(r -> r.get("key").asString()));
    }

    /**
     * Records the pre-staging campaign that brings the task's tape inputs back, unless the task has one already (a
     * registration and its retry racing): answers whether this one was recorded.
     */
    public boolean setCampaignIfNone(String taskId, String campaignId, long now) {
        return store.write(tx -> tx.run("""
                MATCH (t:BridgeTask {id: $id}) SET t.locked_at = $now
                WITH t WHERE t.campaign_id IS NULL
                SET t.campaign_id = $campaign
                RETURN count(t) AS n
                """, Map.of("id", taskId, "campaign", campaignId, "now", now))
                .single().get("n").asInt() == 1);
    }

    /**
     * Of {@code fileKeys}, the files with no AVAILABLE replica on a non-TAPE RSE but with one or more on TAPE RSEs,
     * with the names of those tape RSEs (sorted).
     */
    public Map<String, List<String>> tapeOnly(List<String> fileKeys) {
        Map<String, List<String>> out = new HashMap<>();
        int batch = store.batchSize();
        for (int from = 0; from < fileKeys.size(); from += batch) {
            List<String> chunk = fileKeys.subList(from, Math.min(fileKeys.size(), from + batch));
            store.read(tx -> tx.run("""
                    UNWIND $keys AS k
                    MATCH (f:Did {key: k})
                    WHERE NOT EXISTS { MATCH (f)-[:REPLICA {state: 'AVAILABLE'}]->(r:Rse) WHERE r.rse_type <> 'TAPE' }
                    MATCH (f)-[:REPLICA {state: 'AVAILABLE'}]->(t:Rse {rse_type: 'TAPE'})
                    WITH k, t.rse AS rse ORDER BY rse
                    RETURN k, collect(rse) AS tapes
                    """, Map.of("keys", chunk)).list()).forEach(r ->
                    out.put(r.get("k").asString(), r.get("tapes").asList(Value::asString)));
        }
        return out;
    }

    public void setRule(String taskId, String ruleId) {
        store.write(tx -> tx.run("MATCH (t:BridgeTask {id: $id}) SET t.rule_id = $rule",
                Map.of("id", taskId, "rule", ruleId)).consume());
    }

    /** Undoes {@link #insert} (the pin rule could not be created): task, jobs, dataset and its queued changes. */
    public void remove(String taskId) {
        store.write(tx -> {
            tx.run("""
                    MATCH (t:BridgeTask {id: $id})
                    OPTIONAL MATCH (d:Did {key: t.dataset_key})
                    OPTIONAL MATCH (u:UpdatedDid {scope: d.scope, name: d.name})
                    DETACH DELETE u, d
                    """, Map.of("id", taskId)).consume();
            tx.run("MATCH (t:BridgeTask {id: $id}) OPTIONAL MATCH (t)-[:HAS_JOB]->(j) DETACH DELETE j, t",
                    Map.of("id", taskId)).consume();
            return null;
        });
    }

    /**
     * Which of {@code fileKeys} exist, and the files each one stands for: a file itself, the files under a dataset or
     * container. Keys that do not exist are absent from the answer.
     */
    public Map<String, List<String>> expand(List<String> fileKeys) {
        Map<String, List<String>> out = new HashMap<>();
        store.read(tx -> {
            tx.run("""
                    UNWIND $keys AS k
                    MATCH (d:Did {key: k})
                    OPTIONAL MATCH (d)-[:CONTAINS*0..]->(f:Did {did_type: 'FILE'})
                    RETURN k, collect(DISTINCT f.key) AS files
                    """, Map.of("keys", fileKeys)).list().forEach(r ->
                    out.put(r.get("k").asString(), r.get("files").asList(Value::asString)));
            return null;
        });
        return out;
    }
}
