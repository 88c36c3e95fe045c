package org.stevedore.catalog.store;

import java.util.List;

/** The catalog schema, as an ordered list of versioned migrations. Append; never edit a released step. */
public final class Schema {

    private Schema() {
    }

    /**
     * Replicas of different files at one path of one RSE, which the constraint of step 12 cannot be created over: each
     * was registered, or derived, at a file the other's deletion would delete. Which of them is the file's is for the
     * operator to say, so the step names them (at most 20 paths) and stops.
     */
    private static final String REPLICAS_SHARING_A_PATH = """
            MATCH (d:Did)-[r:REPLICA]->(rse:Rse) WHERE r.path IS NOT NULL
            WITH rse, r.path AS path, collect(d.key) AS files WHERE size(files) > 1
            RETURN 'RSE ' + rse.rse + ' path ' + path + ' is the replica of ' + size(files) + ' files: '
                   + reduce(s = head(files), k IN tail(files) | s + ', ' + k) AS problem
            ORDER BY problem LIMIT 20
            """;

    public static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "namespace, accounts, RSEs, replicas, sessions, heartbeats", List.of(
                    "CREATE CONSTRAINT account_name IF NOT EXISTS FOR (a:Account) REQUIRE a.account IS UNIQUE",
                    "CREATE CONSTRAINT identity_key IF NOT EXISTS FOR (i:Identity) REQUIRE i.key IS UNIQUE",
                    "CREATE CONSTRAINT token_hash IF NOT EXISTS FOR (t:Token) REQUIRE t.hash IS UNIQUE",
                    "CREATE INDEX token_expiry IF NOT EXISTS FOR (t:Token) ON (t.expires_at)",
                    "CREATE CONSTRAINT scope_name IF NOT EXISTS FOR (s:Scope) REQUIRE s.scope IS UNIQUE",
                    // key = scope:name; a prefix scan of it serves searches within a scope.
                    "CREATE CONSTRAINT did_key IF NOT EXISTS FOR (d:Did) REQUIRE d.key IS UNIQUE",
                    "CREATE INDEX did_expiry IF NOT EXISTS FOR (d:Did) ON (d.expired_at)",
                    "CREATE CONSTRAINT rse_id IF NOT EXISTS FOR (r:Rse) REQUIRE r.id IS UNIQUE",
                    "CREATE CONSTRAINT rse_name IF NOT EXISTS FOR (r:Rse) REQUIRE r.rse IS UNIQUE",
                    // key = <rse id>/scheme://host:port; closes the race between two concurrent adds.
                    "CREATE CONSTRAINT protocol_key IF NOT EXISTS FOR (p:Protocol) REQUIRE p.key IS UNIQUE",
                    "CREATE INDEX replica_state IF NOT EXISTS FOR ()-[r:REPLICA]-() ON (r.state)",
                    "CREATE INDEX replica_tombstone IF NOT EXISTS FOR ()-[r:REPLICA]-() ON (r.tombstone)",
                    "CREATE CONSTRAINT updated_did_id IF NOT EXISTS FOR (u:UpdatedDid) REQUIRE u.id IS UNIQUE",
                    "CREATE INDEX updated_did_created IF NOT EXISTS FOR (u:UpdatedDid) ON (u.created_at)",
                    "CREATE CONSTRAINT heartbeat_key IF NOT EXISTS FOR (h:Heartbeat) REQUIRE h.key IS UNIQUE",
                    "CREATE INDEX heartbeat_executable IF NOT EXISTS FOR (h:Heartbeat) ON (h.executable)")),
            new Migration(2, "rules, locks, transfer requests, account limits, event outbox", List.of(
                    "CREATE CONSTRAINT rule_id IF NOT EXISTS FOR (r:Rule) REQUIRE r.id IS UNIQUE",
                    "CREATE INDEX rule_did IF NOT EXISTS FOR (r:Rule) ON (r.did_key)",
                    "CREATE INDEX rule_account IF NOT EXISTS FOR (r:Rule) ON (r.account)",
                    "CREATE INDEX rule_state IF NOT EXISTS FOR (r:Rule) ON (r.state)",
                    "CREATE INDEX rule_expiry IF NOT EXISTS FOR (r:Rule) ON (r.expires_at)",
                    "CREATE INDEX lock_rse IF NOT EXISTS FOR ()-[l:LOCK]-() ON (l.rse_id)",
                    // key = scope:name|destination RSE id: one live request per file and destination.
                    "CREATE CONSTRAINT request_key IF NOT EXISTS FOR (q:Request) REQUIRE q.key IS UNIQUE",
                    "CREATE INDEX request_state IF NOT EXISTS FOR (q:Request) ON (q.state)",
                    "CREATE INDEX request_job IF NOT EXISTS FOR (q:Request) ON (q.external_id)",
                    "CREATE CONSTRAINT event_id IF NOT EXISTS FOR (e:Event) REQUIRE e.id IS UNIQUE",
                    "CREATE INDEX event_created IF NOT EXISTS FOR (e:Event) ON (e.created_at)")),
            new Migration(3, "transfer limits; requests by destination and state for the throttler", List.of(
                    // key = <rse id>|<activity>, activity '*' for all activities together.
                    "CREATE CONSTRAINT transfer_limit_key IF NOT EXISTS FOR (l:TransferLimit) REQUIRE l.key IS UNIQUE",
                    "CREATE INDEX transfer_limit_rse IF NOT EXISTS FOR (l:TransferLimit) ON (l.rse_id)",
                    "CREATE INDEX request_dest_state IF NOT EXISTS FOR (q:Request) ON (q.dest_rse_id, q.state)")),
            new Migration(4, "pins of staged replicas on tape RSEs", List.of(
                    // key = scope:name|RSE id: one pin per replica.
                    "CREATE CONSTRAINT pin_key IF NOT EXISTS FOR (p:Pin) REQUIRE p.key IS UNIQUE",
                    "CREATE INDEX pin_expiry IF NOT EXISTS FOR (p:Pin) ON (p.expires_at)",
                    "CREATE INDEX pin_rse IF NOT EXISTS FOR (p:Pin) ON (p.rse)")),
            new Migration(5, "pre-staging campaigns and their files", List.of(
                    "CREATE CONSTRAINT campaign_id IF NOT EXISTS FOR (c:Campaign) REQUIRE c.id IS UNIQUE",
                    "CREATE INDEX campaign_state IF NOT EXISTS FOR (c:Campaign) ON (c.state)",
                    // key = <campaign id>|scope:name: one entry per file and campaign.
                    "CREATE CONSTRAINT campaign_file_key IF NOT EXISTS FOR (f:CampaignFile) REQUIRE f.key IS UNIQUE",
                    "CREATE INDEX campaign_file_campaign IF NOT EXISTS FOR (f:CampaignFile) ON (f.campaign_id)",
                    "CREATE INDEX campaign_file_did IF NOT EXISTS FOR (f:CampaignFile) ON (f.did_key)",
                    // The staging queue in tape order: equality on the first three, a range and the order on path.
                    "CREATE INDEX campaign_file_queue IF NOT EXISTS FOR (f:CampaignFile) "
                            + "ON (f.campaign_id, f.state, f.tape_rse, f.path)",
                    "CREATE INDEX campaign_file_request IF NOT EXISTS FOR (f:CampaignFile) ON (f.campaign_id, f.request_id)",
                    "CREATE INDEX campaign_file_staged IF NOT EXISTS FOR (f:CampaignFile) ON (f.campaign_id, f.staged_at)")),
            new Migration(6, "workload bridge: tasks, jobs, outbox consumer positions", List.of(
                    "CREATE CONSTRAINT bridge_task_id IF NOT EXISTS FOR (t:BridgeTask) REQUIRE t.id IS UNIQUE",
                    "CREATE INDEX bridge_task_state IF NOT EXISTS FOR (t:BridgeTask) ON (t.state)",
                    "CREATE CONSTRAINT bridge_job_id IF NOT EXISTS FOR (j:BridgeJob) REQUIRE j.id IS UNIQUE",
                    // The cursor feed: a task's released jobs by release sequence.
                    "CREATE INDEX bridge_job_task_seq IF NOT EXISTS FOR (j:BridgeJob) ON (j.task_id, j.seq)",
                    "CREATE INDEX bridge_job_task_state IF NOT EXISTS FOR (j:BridgeJob) ON (j.task_id, j.state)",
                    "CREATE CONSTRAINT outbox_consumer IF NOT EXISTS FOR (p:OutboxPosition) REQUIRE p.consumer IS UNIQUE")),
            new Migration(7, "webhook deliveries of the workload bridge", List.of(
                    // key = the idempotency key, <task id>:<from seq>-<to seq>: one delivery per released batch.
                    "CREATE CONSTRAINT webhook_delivery_key IF NOT EXISTS FOR (w:WebhookDelivery) REQUIRE w.key IS UNIQUE",
                    "CREATE INDEX webhook_delivery_due IF NOT EXISTS FOR (w:WebhookDelivery) ON (w.state, w.next_attempt_at)",
                    "CREATE INDEX webhook_delivery_task IF NOT EXISTS FOR (w:WebhookDelivery) ON (w.task_id)")),
            new Migration(8, "holds on pins (a campaign keeps its staged files pinned); campaigns by deadline", List.of(
                    // key = <pin key>|<holder>: one hold per pin and holder, e.g. campaign:<id>.
                    "CREATE CONSTRAINT pin_hold_key IF NOT EXISTS FOR (h:PinHold) REQUIRE h.key IS UNIQUE",
                    "CREATE INDEX pin_hold_holder IF NOT EXISTS FOR (h:PinHold) ON (h.holder)",
                    "CREATE INDEX campaign_deadline IF NOT EXISTS FOR (c:Campaign) ON (c.deadline)")),
            new Migration(9, "release gate: a task's HELD jobs in id order, for the full check in slices", List.of(
                    "CREATE INDEX bridge_job_task_state_id IF NOT EXISTS FOR (j:BridgeJob) ON (j.task_id, j.state, j.id)")),
            new Migration(10, "transfer jobs the poller asks about; the claim order; claims no longer write SUBMITTING", List.of(
                    "CREATE CONSTRAINT transfer_job_id IF NOT EXISTS FOR (j:TransferJob) REQUIRE j.id IS UNIQUE",
                    // The claim reads QUEUED requests priority by priority, oldest first, straight from this index.
                    "CREATE INDEX request_claim_order IF NOT EXISTS FOR (q:Request) ON (q.state, q.priority, q.created_at)",
                    // The jobs of requests submitted before this step. Any request's bucket serves as the job's.
                    """
                    MATCH (q:Request {state: 'SUBMITTED'}) WHERE q.external_id IS NOT NULL
                    WITH q.external_id AS id, collect(q) AS requests
                    WITH id, requests, requests[0] AS first
                    MERGE (j:TransferJob {id: id})
                    ON CREATE SET j.host = first.external_host, j.files = size(requests),
                                  j.submitted_at = first.submitted_at, j.hash_bucket = first.hash_bucket
                    """,
                    // Claimed by a submitter that stopped before the tool took them: nothing else would pick them up.
                    "MATCH (q:Request {state: 'SUBMITTING'}) SET q.state = 'QUEUED'")),
            new Migration(11, "one index for requests by state instead of three", List.of(
                    // Every state change of a request rewrote an entry in each of three indexes that began with, or held,
                    // the state. This one serves them all: the claim (state, destination, priority, then oldest first),
                    // the throttler (state and destination) and the sweep of WAITING requests (state alone, the others
                    // asked only to exist, as every request has them).
                    "CREATE INDEX request_queue IF NOT EXISTS FOR (q:Request) ON (q.state, q.dest_rse_id, q.priority, q.created_at)",
                    "DROP INDEX request_claim_order IF EXISTS",
                    "DROP INDEX request_dest_state IF EXISTS",
                    "DROP INDEX request_state IF EXISTS")),
            new Migration(12, "one replica per physical path and RSE", List.of(REPLICAS_SHARING_A_PATH), List.of(
                    // The RSE's id on each replica, so that a constraint on the relationship alone can hold it.
                    """
                    MATCH ()-[r:REPLICA]->(rse:Rse) WHERE r.rse_id IS NULL
                    CALL (r, rse) { SET r.rse_id = rse.id } IN TRANSACTIONS OF 10000 ROWS
                    """,
                    // Registration, the rules engine and the reaper rely on it: a second claim on a path is refused
                    // by the store itself, whichever writer makes it, and the reaper never deletes a shared file.
                    "CREATE CONSTRAINT replica_path IF NOT EXISTS FOR ()-[r:REPLICA]-() REQUIRE (r.rse_id, r.path) IS UNIQUE")),
            new Migration(13, "declarations about replicas, consistency runs", List.of(
                    "CREATE CONSTRAINT bad_replica_id IF NOT EXISTS FOR (b:BadReplica) REQUIRE b.id IS UNIQUE",
                    // A replica's declarations (already declared? suspicious how often?) and the recovery's queue.
                    "CREATE INDEX bad_replica_replica IF NOT EXISTS FOR (b:BadReplica) ON (b.key, b.rse_id)",
                    "CREATE INDEX bad_replica_state IF NOT EXISTS FOR (b:BadReplica) ON (b.state, b.created_at)",
                    "CREATE INDEX consistency_run_rse IF NOT EXISTS FOR (c:ConsistencyRun) ON (c.rse_id, c.started_at)",
                    "CREATE INDEX dark_file_rse IF NOT EXISTS FOR (d:DarkFile) ON (d.rse_id, d.path)",
                    "CREATE INDEX consistency_finding_run IF NOT EXISTS FOR (f:ConsistencyFinding) ON (f.run_id, f.kind)")));

    public static int latestVersion() {
        return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
    }
}
