package org.stevedore.transfer.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.replica.ReplicaAvailability;
import org.stevedore.catalog.store.Store;
import org.stevedore.rules.store.LockOutcomes;

/**
 * The poller's side of the requests (see {@link RequestStore}): which transfer jobs to ask their tool about, and what
 * the answers do. A request whose file arrived is DONE (the replica becomes AVAILABLE and its locks OK, in one
 * transaction), one that failed goes back to QUEUED for a retry or is FAILED for good (its locks STUCK with the
 * reason), and a job that ended is forgotten. The locks are the rules engine's: they change through
 * {@link LockOutcomes}, in the same transaction. Apart from {@link RequestClaims}, which submits them, because a
 * partition has one submitter and one poller, each with its own store.
 */
public final class RequestOutcomes {

    /**
     * The outcome of one request's transfer (by request key), as the poller saw it in the answer about {@code job}.
     * An outcome applies only while the request is still submitted as that job: a late answer about an earlier
     * attempt (a file of a job reported failed again after the request was resubmitted as a new job) changes nothing.
     * {@code job} null: whichever job the request is in (the tape system's archive confirmation, drivers of tests).
     */
    public record Outcome(String requestKey, boolean done, String reason, String job) {

        /** An outcome for the request whatever job it is submitted as. */
        public Outcome(String requestKey, boolean done, String reason) {
            this(requestKey, done, reason, null);
        }
    }

    /**
     * Requests whose file arrived: DONE, the replica AVAILABLE; answers, in one row, the copies made so (file key and
     * destination id) for their locks ({@link LockOutcomes}) and the event.
     */
    static final String FINISH_DONE = """
            UNWIND $rows AS row
            MATCH (q:Request {key: row.key}) USING INDEX SEEK q:Request(key)
            WHERE q.state IN ['SUBMITTED', 'ARCHIVING'] AND (row.job IS NULL OR q.external_id = row.job)
            MATCH (f:Did {key: q.did_key}) USING INDEX SEEK f:Did(key)
            MATCH (f)-[r:REPLICA]->(rse:Rse) WHERE rse.id = q.dest_rse_id
            WITH q, r, rse, f, q.state = 'SUBMITTED' AS fresh,
                 q.state = 'SUBMITTED' AND rse.rse IN $archiving AS archiving
            SET r.state = CASE WHEN archiving THEN r.state ELSE 'AVAILABLE' END, r.updated_at = $now,
                q.state = CASE WHEN archiving THEN 'ARCHIVING' ELSE 'DONE' END, q.error = null,
                q.transferred_at = coalesce(q.transferred_at, $now),
                q.archived_at = CASE WHEN archiving OR NOT $confirm THEN null ELSE $now END
            RETURN collect(CASE WHEN archiving THEN null ELSE [q.did_key, q.dest_rse_id] END) AS copies,
                   collect(CASE WHEN fresh THEN [coalesce(q.source_rse, ''), rse.rse,
                            coalesce(q.activity, $default_activity), coalesce(q.bytes, 0), q.key,
                            coalesce(q.external_id, ''), q.id, q.created_at, q.did_key, coalesce(f.adler32, ''),
                            coalesce(q.external_host, '')] END) AS moved
            """;

    /** Of the destinations of done requests, the TAPE RSEs by name (candidates for archive confirmation). */
    private static final String TAPE_DESTINATIONS = """
            UNWIND $rows AS row
            MATCH (q:Request {key: row.key}) USING INDEX SEEK q:Request(key)
            WHERE q.state = 'SUBMITTED' AND (row.job IS NULL OR q.external_id = row.job)
            MATCH (rse:Rse {id: q.dest_rse_id}) WHERE rse.rse_type = 'TAPE'
            RETURN collect(DISTINCT rse.rse) AS rses
            """;

    /**
     * Ended jobs go; a request of theirs still SUBMITTED is retried: queued again at once, counting the attempt (so the
     * resubmission is a new job, not the ended one the tool would answer 409 for), or FAILED once out of retries, or
     * when no lock holds its replica any more (see {@link #FINISH_FAILED}).
     */
    static final String FORGET_ENDED_JOBS = """
            UNWIND $jobs AS job
            MATCH (j:TransferJob {id: job.id}) USING INDEX SEEK j:TransferJob(id)
            OPTIONAL MATCH (q:Request {external_id: job.id}) USING INDEX SEEK q:Request(external_id)
            WHERE q.state = 'SUBMITTED'
            WITH j, job, collect(q) AS left
            DELETE j
            WITH job, left
            UNWIND left AS q
            OPTIONAL MATCH (f:Did {key: q.did_key}) USING INDEX SEEK f:Did(key)
            OPTIONAL MATCH (f)-[rep:REPLICA]->(dest:Rse) WHERE dest.id = q.dest_rse_id
            WITH q, job, dest, coalesce(q.retry_count, 0) + 1 AS retry, coalesce(rep.lock_cnt, 0) > 0 AS wanted
            SET q.retry_count = retry, q.error = job.reason, q.updated_at = $now, q.released_at = null,
                q.state = CASE WHEN retry > $max OR NOT wanted THEN 'FAILED' ELSE 'QUEUED' END
            RETURN q.did_key AS key, q.dest_rse_id AS rse_id, job.reason AS error, q.state = 'FAILED' AS given_up,
                   coalesce(q.source_rse, '') AS source, coalesce(dest.rse, q.dest_rse, '') AS destination,
                   coalesce(q.activity, $default_activity) AS activity, q.key AS request_key, job.id AS job,
                   q.id AS request_id, q.created_at AS created_at, coalesce(q.external_host, '') AS host
            """;

    /**
     * Jobs that died with the tool's process go; a request of theirs still SUBMITTED is queued again at once with the
     * reason, its retry count untouched: a crash of the service is not a transfer attempt. (Its resubmission reuses
     * the job id, which only the in-process tool, that forgot the job, ever answers so.) One whose replica no lock
     * holds any more ends FAILED instead, as in {@link #FINISH_FAILED}.
     */
    static final String FORGET_INTERRUPTED_JOBS = """
            UNWIND $jobs AS job
            MATCH (j:TransferJob {id: job.id}) USING INDEX SEEK j:TransferJob(id)
            OPTIONAL MATCH (q:Request {external_id: job.id}) USING INDEX SEEK q:Request(external_id)
            WHERE q.state = 'SUBMITTED'
            WITH j, job, collect(q) AS left
            DELETE j
            WITH job, left
            UNWIND left AS q
            OPTIONAL MATCH (f:Did {key: q.did_key}) USING INDEX SEEK f:Did(key)
            OPTIONAL MATCH (f)-[rep:REPLICA]->(dest:Rse) WHERE dest.id = q.dest_rse_id
            WITH q, job, coalesce(rep.lock_cnt, 0) > 0 AS wanted
            SET q.error = job.reason, q.updated_at = $now, q.released_at = null,
                q.state = CASE WHEN wanted THEN 'QUEUED' ELSE 'FAILED' END
            RETURN count(CASE WHEN wanted THEN q END) AS requeued
            """;

    /**
     * Requests whose transfer failed: retried later, or FAILED once out of retries. A request whose replica no lock
     * holds any more (its rules went while it was submitted, and a submitted transfer runs to its end) is not retried:
     * nobody wants the copy, and a pending transfer without a lock is what releasing the last lock cancels.
     */
    static final String FINISH_FAILED = """
            UNWIND $rows AS row
            MATCH (q:Request {key: row.key}) USING INDEX SEEK q:Request(key)
            WHERE q.state IN ['SUBMITTED', 'ARCHIVING'] AND (row.job IS NULL OR q.external_id = row.job)
            OPTIONAL MATCH (f:Did {key: q.did_key}) USING INDEX SEEK f:Did(key)
            OPTIONAL MATCH (f)-[rep:REPLICA]->(dest:Rse) WHERE dest.id = q.dest_rse_id
            WITH q, row, dest, coalesce(q.retry_count, 0) + 1 AS retry, coalesce(rep.lock_cnt, 0) > 0 AS wanted
            WITH q, row, dest, retry, retry > $max OR NOT wanted AS ended
            SET q.retry_count = retry, q.error = row.reason, q.updated_at = $now, q.released_at = null,
                q.state = CASE WHEN ended THEN 'FAILED' ELSE 'QUEUED' END,
                q.not_before = CASE WHEN ended THEN null ELSE $now + $delays[retry] END,
                q.failed_sources = CASE
                    WHEN q.source_rse IS NULL OR q.source_rse IN coalesce(q.failed_sources, [])
                    THEN q.failed_sources ELSE coalesce(q.failed_sources, []) + q.source_rse END
            RETURN q.did_key AS key, q.dest_rse_id AS rse_id, row.reason AS error, q.state = 'FAILED' AS given_up,
                   coalesce(q.source_rse, '') AS source, coalesce(dest.rse, q.dest_rse, '') AS destination,
                   coalesce(q.activity, $default_activity) AS activity, q.key AS request_key,
                   coalesce(q.external_id, '') AS job, q.id AS request_id, q.created_at AS created_at,
                   coalesce(q.external_host, '') AS host
            """;

    private final Store store;
    private final Clock clock;
    private final LockOutcomes locks;
    private final ReplicaAvailability availability;
    private final Predicate<String> archiving;

    /** {@code locks}: where the outcomes go on to the rules' locks, in the finishing transaction. */
    public RequestOutcomes(Store store, Clock clock, LockOutcomes locks) {
        this(store, clock, locks, new ReplicaAvailability());
    }

    /** {@code availability} hears, after each commit of {@link #finish}, which replicas became AVAILABLE. */
    public RequestOutcomes(Store store, Clock clock, LockOutcomes locks, ReplicaAvailability availability) {
        this(store, clock, locks, availability, rse -> false);
    }

    /**
     * @param archiving the TAPE RSEs whose tape system confirms archiving ({@code archiveinfo}): a copy written there
     *                  is ARCHIVING, its replica COPYING and its locks REPLICATING, until {@link #archived} (the
     *                  {@link org.stevedore.transfer.archive.ArchiveWorker}); elsewhere a copy is DONE on arrival
     */
    public RequestOutcomes(Store store, Clock clock, LockOutcomes locks, ReplicaAvailability availability,
                           Predicate<String> archiving) {
        this.store = store;
        this.clock = clock;
        this.locks = locks;
        this.availability = availability;
        this.archiving = archiving;
    }

    /**
     * The tape system confirmed these ARCHIVING requests' files on tape: DONE, their replicas AVAILABLE and their
     * locks OK, with the event and the announcement a finished copy has.
     */
    public void archived(List<String> requestKeys) {
        finish(requestKeys.stream().map(k -> new Outcome(k, true, null)).toList(), RetryPolicy.defaults(), Map.of(),
                Map.of(), true);
    }

    /** A transfer job to ask its tool about; {@code orphaned}: its owner instance has stopped, nobody can answer. */
    public record JobToPoll(String id, String host, boolean orphaned) {
    }

    /**
     * Which jobs a poller asks about: a job without an owner (an FTS server's) by its id's bucket in the partition; a
     * job an instance holds in memory (its owner, see {@code TransferTool#owner()}) by that instance alone while it is
     * alive; one whose owner has stopped by the partition again, as orphaned. (%s: the partition filter on j.)
     */
    static final String JOBS_TO_POLL = """
            MATCH (j:TransferJob)
            WHERE CASE
                WHEN j.owner IS NULL THEN %1$s
                WHEN j.owner = $self THEN true
                WHEN j.owner IN $live THEN false
                ELSE %1$s END
            WITH j ORDER BY coalesce(j.polled_at, 0), j.id LIMIT $limit
            SET j.polled_at = $now
            RETURN j.id AS job, j.host AS host, j.owner IS NOT NULL AND j.owner <> coalesce($self, '') AS orphaned
            """;

    /**
     * Up to {@code limit} transfer jobs of a partition (by the job id's bucket) to ask their tool about, those asked
     * least recently first, so that every job is asked in turn however many there are: (job id, host) pairs. For a
     * service that runs alone: owners are not looked at.
     */
    public List<Map.Entry<String, String>> jobsToPoll(Partition partition, int limit) {
        return jobsToPoll(partition, null, Set.of(), limit).stream()
                .map(j -> Map.entry(j.id(), j.host())).toList();
    }

    /**
     * Up to {@code limit} transfer jobs to ask their tool about, those asked least recently first: the partition's
     * jobs without an owner, every job owned by {@code self} (only this instance's tool knows them), and the
     * partition's jobs whose owner is not among the {@code live} instances, marked orphaned: their requests are to be
     * queued again, not failed (see {@link #finish(List, RetryPolicy, Map, Map)}). {@code self} null: this instance
     * owns nothing.
     */
    public List<JobToPoll> jobsToPoll(Partition partition, String self, Set<String> live, int limit) {
        Map<String, Object> params = new HashMap<>(partition.cypherParams());
        params.put("limit", limit);
        params.put("now", clock.millis());
        params.put("self", self);
        params.put("live", List.copyOf(live));
        return store.write(tx -> tx.run(JOBS_TO_POLL.formatted(partition.cypherFilter("j")), params)
                .list(r -> new JobToPoll(r.get("job").asString(), r.get("host").asString(),
                        r.get("orphaned").asBoolean())));
    }

    /** {@link #finish(List, RetryPolicy)} with retries that are not delayed. */
    public void finish(List<Outcome> outcomes, int maxRetries) {
        finish(outcomes, RetryPolicy.immediate(maxRetries));
    }

    /**
     * Applies transfer outcomes in one transaction: a done request makes its replica AVAILABLE and its locks OK; a
     * failed one is queued again while it has retries left, not before the policy's delay and noting the source that
     * failed (the submitter tries another first), else FAILED with its locks STUCK and the reason recorded. The
     * replicas made AVAILABLE are written as one REPLICA_AVAILABLE event
     * (outbox) in the same transaction and announced to {@link ReplicaAvailability} after the commit.
     */
    public void finish(List<Outcome> outcomes, RetryPolicy retry) {
        finish(outcomes, retry, Map.of());
    }

    /**
     * {@link #finish(List, RetryPolicy)}, and in the same transaction forgets the jobs that ended (job id → why):
     * their {@code TransferJob} goes, and a request of theirs still SUBMITTED (the tool gave no final state for its
     * file, or lost the whole job) is retried with that reason: queued again at once, the attempt counted, or FAILED
     * with its locks STUCK once out of retries. Answers how many were queued again so.
     */
    public int finish(List<Outcome> outcomes, RetryPolicy retry, Map<String, String> endedJobs) {
        return finish(outcomes, retry, endedJobs, Map.of());
    }

    /**
     * {@link #finish(List, RetryPolicy, Map)}, and in the same transaction forgets the jobs that died with the tool's
     * process (job id → why): a request of theirs still SUBMITTED is queued again at once, its retries untouched,
     * since a crash of the service is not an attempt. Answers how many were queued again, of both kinds.
     */
    public int finish(List<Outcome> outcomes, RetryPolicy retry, Map<String, String> endedJobs,
                      Map<String, String> interruptedJobs) {
        return finish(outcomes, retry, endedJobs, interruptedJobs, false);
    }

    private int finish(List<Outcome> outcomes, RetryPolicy retry, Map<String, String> endedJobs,
                       Map<String, String> interruptedJobs, boolean confirm) {
        if (outcomes.isEmpty() && endedJobs.isEmpty() && interruptedJobs.isEmpty()) {
            return 0;
        }
        List<Map<String, Object>> ended = rows(endedJobs);
        List<Map<String, Object>> interrupted = rows(interruptedJobs);
        int[] requeued = {0};
        List<Map<String, Object>> done = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        for (Outcome o : outcomes) {
            Map<String, Object> row = new HashMap<>();
            row.put("key", o.requestKey());
            row.put("reason", o.reason() == null ? "" : o.reason());
            row.put("job", o.job());
            (o.done() ? done : failed).add(row);
        }
        // delays[n]: the wait before the n-th retry, indexed by the new retry count in the statement below.
        List<Long> delays = new ArrayList<>();
        for (int n = 0; n <= retry.maxRetries() + 1; n++) {
            delays.add(n == 0 ? 0L : retry.delay(n).toMillis());
        }
        List<List<String>> madeAvailable = new ArrayList<>(2);
        // What the transaction did to each link, counted once it committed (the driver may run it more than once).
        TransferMetrics moved = new TransferMetrics();
        store.write(tx -> {
            madeAvailable.clear();
            moved.clear();
            long now = clock.millis();
            // Two statements for the whole done side, one per batch each: the requests and replicas here, then the
            // locks of the copies made AVAILABLE, which the rules engine owns, each rule counted once.
            Set<String> files = new LinkedHashSet<>();
            Set<String> rseIds = new LinkedHashSet<>();
            List<LockOutcomes.Copy> arrived = new ArrayList<>();
            if (!done.isEmpty()) {
                // Copies to a tape whose system confirms archiving wait for it (as FTS's ARCHIVING state).
                List<String> archives = confirm ? List.of() : tx.run(TAPE_DESTINATIONS, Map.of("rows", done)).single()
                        .get("rses").asList(Value::asString).stream().filter(archiving).toList();
                // A transfer counts as moved when its bytes land (SUBMITTED), not again when the tape confirms them.
                Record finished = tx.run(FINISH_DONE, Map.of("rows", done, "now", now, "archiving", archives,
                        "confirm", confirm, "default_activity", RequestStore.DEFAULT_ACTIVITY)).single();
                finished.get("moved").values().forEach(moved::done);
                for (Value copy : finished.get("copies").values()) {
                    String file = copy.get(0).asString();
                    String rseId = copy.get(1).asString();
                    files.add(file);
                    rseIds.add(rseId);
                    arrived.add(new LockOutcomes.Copy(file, rseId));
                }
            }
            locks.arrived(tx, arrived, now);
            if (!files.isEmpty()) {
                List<String> keys = List.copyOf(files);
                List<String> rses = List.copyOf(rseIds);
                Events.emit(tx, Events.REPLICA_AVAILABLE, Map.of("files", keys, "rse_ids", rses), now);
                madeAvailable.add(keys);
                madeAvailable.add(rses);
            }
            if (!failed.isEmpty()) {
                failed(tx, failed, retry, delays, now, moved);
            }
            // Last: a request whose file failed above is QUEUED or FAILED by now, not left over.
            requeued[0] = ended.isEmpty() ? 0 : forget(tx, ended, retry, now, moved);
            if (!interrupted.isEmpty()) {
                requeued[0] += tx.run(FORGET_INTERRUPTED_JOBS, Map.of("jobs", interrupted, "now", now)).single()
                        .get("requeued").asInt();
            }
            // Rucio's transfer-done and transfer-failed, one outbox event per slice of the batch (the brokers send
            // one message per transfer), in this transaction: an outcome and its event commit together.
            moved.emit(tx, now);
            return null;
        });
        moved.record();
        if (!madeAvailable.isEmpty()) {
            availability.announce(madeAvailable.get(0), madeAvailable.get(1));
        }
        return requeued[0];
    }

    private static List<Map<String, Object>> rows(Map<String, String> jobReasons) {
        return jobReasons.entrySet().stream()
                .map(e -> Map.<String, Object>of("id", e.getKey(), "reason", e.getValue())).toList();
    }

    /** Forgets the ended jobs, retrying their requests left SUBMITTED: how many were queued again. */
    private int forget(TransactionContext tx, List<Map<String, Object>> ended, RetryPolicy retry, long now,
                       TransferMetrics moved) {
        List<Record> left = tx.run(FORGET_ENDED_JOBS, Map.of("jobs", ended, "now", now, "max", retry.maxRetries(),
                "default_activity", RequestStore.DEFAULT_ACTIVITY)).list();
        left.forEach(moved::failed);
        List<LockOutcomes.FailedCopy> givenUp = left.stream().filter(r -> r.get("given_up").asBoolean())
                .map(RequestOutcomes::givenUp).toList();
        locks.failed(tx, givenUp, now);
        return left.size() - givenUp.size();
    }

    private void failed(TransactionContext tx, List<Map<String, Object>> failed, RetryPolicy retry, List<Long> delays,
                        long now, TransferMetrics moved) {
        List<Record> attempts = tx.run(FINISH_FAILED, Map.of("rows", failed, "now", now,
                        "max", retry.maxRetries(), "delays", delays, "default_activity", RequestStore.DEFAULT_ACTIVITY))
                .list();
        attempts.forEach(moved::failed);
        List<LockOutcomes.FailedCopy> givenUp = attempts.stream().filter(r -> r.get("given_up").asBoolean())
                .map(RequestOutcomes::givenUp).toList();
        locks.failed(tx, givenUp, now);
    }

    /** A request out of retries as {@link LockOutcomes#failed} takes it: its file, destination and reason. */
    private static LockOutcomes.FailedCopy givenUp(Record r) {
        return new LockOutcomes.FailedCopy(r.get("key").asString(), r.get("rse_id").asString(),
                r.get("error").asString());
    }
}
