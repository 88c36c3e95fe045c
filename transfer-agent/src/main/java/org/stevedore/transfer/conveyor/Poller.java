package org.stevedore.transfer.conveyor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Instances;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.transfer.store.RequestOutcomes;
import org.stevedore.transfer.store.RequestOutcomes.Outcome;
import org.stevedore.transfer.store.RetryPolicy;
import org.stevedore.transfer.tool.FileState;
import org.stevedore.transfer.tool.FileStatus;
import org.stevedore.transfer.tool.JobState;
import org.stevedore.transfer.tool.JobStatus;
import org.stevedore.transfer.tool.TransferTool;
import org.stevedore.transfer.tool.TransferToolException;

/**
 * Asks each tool, in bulk, about its partition's transfer jobs (those asked least recently first), and finishes what
 * ended: FINISHED files make their replicas AVAILABLE and locks OK; FAILED ones are retried up to the limit (after a
 * delay that grows with each retry, preferring another source), then their locks go STUCK with the reason. A job that
 * ended is forgotten in the same transaction; the requests of a job the tool no longer knows (LOST), and any of an
 * ended job that got no final state, are retried: queued again, the attempt counted (so that their resubmission is a new
 * job, not the ended one), until they are out of retries. A job that died with the tool's process (INTERRUPTED: the
 * in-process tool after a crash or restart of the service) is forgotten too and its requests queued again, but the
 * crash is not an attempt: their retries are not used up.
 *
 * <p>Several instances: a job of the in-process tool belongs to the instance whose process copies it (its owner, on
 * the {@code TransferJob}); only that instance's poller asks about it, and when that instance has stopped (no live
 * heartbeat) the poller whose partition holds the job takes it over: its requests are queued again like an
 * INTERRUPTED job's, not counted as an attempt, and never FAILED for it.
 */
public final class Poller implements Worker {

    private static final Logger log = LoggerFactory.getLogger(Poller.class);

    private static final String LOST = "The transfer tool lost the job";
    private static final String NO_FINAL_STATE = "The transfer tool ended the job without a final state for this file";
    private static final String INTERRUPTED =
            "The transfer tool's process restarted while the job ran; queued again, not counted as an attempt";
    private static final String ORPHANED =
            "The instance copying the file stopped while the job ran; queued again, not counted as an attempt";

    /**
     * Outcomes per finishing transaction (whole jobs, so about this many). One transaction for a whole cycle's
     * outcomes, tens of thousands of files when many jobs end together, keeps all its changes live on the heap until
     * it commits: in a 1 GB heap, {@code transfer-pipeline} ran at 2,829 files/s with transactions of 10,000 (claims
     * of 10,000) and at 3,492 with 5,000 (claims of 5,000), spending less time collecting garbage.
     */
    static final int FINISH_BATCH = 5_000;

    private final RequestOutcomes requests;
    private final TransferTools tools;
    private final RetryPolicy retry;
    private final int batch;
    private final Instances instances;

    /** Retries up to {@code maxRetries} times after {@link RetryPolicy#defaults()}' delays. */
    public Poller(RequestOutcomes requests, TransferTools tools, int maxRetries, int batch) {
        this(requests, tools, new RetryPolicy(maxRetries, RetryPolicy.defaults().firstDelay(),
                RetryPolicy.defaults().maxDelay()), batch);
    }

    /** @param batch jobs polled per cycle (in bulk requests of the tool's own size) */
    public Poller(RequestOutcomes requests, TransferTools tools, RetryPolicy retry, int batch) {
        this(requests, tools, retry, batch, null);
    }

    /**
     * @param instances which instance this is and which are alive, for jobs an instance holds in its memory (the
     *                  in-process tool's): this poller asks about its own instance's, leaves those of live instances
     *                  alone and takes over those of its partition whose instance has stopped; null for a service that
     *                  runs alone, whose poller asks about every job of its partition
     */
    public Poller(RequestOutcomes requests, TransferTools tools, RetryPolicy retry, int batch, Instances instances) {
        this.requests = requests;
        this.tools = tools;
        this.retry = retry;
        this.batch = batch;
        this.instances = instances;
    }

    @Override
    public String executable() {
        return "conveyor-poller";
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        Map<String, List<String>> jobsByHost = new LinkedHashMap<>();
        List<Outcome> outcomes = new ArrayList<>();
        int finished = 0;
        int requeued = 0;
        // Jobs that ended, with what befalls a request of theirs the outcomes leave SUBMITTED.
        Map<String, String> ended = new LinkedHashMap<>();
        // Jobs that died with the tool's process: their requests go back to the queue, no attempt counted.
        Map<String, String> interrupted = new LinkedHashMap<>();
        List<RequestOutcomes.JobToPoll> jobs = instances == null
                ? requests.jobsToPoll(partition, null, Set.of(), batch)
                : requests.jobsToPoll(partition, instances.self().key(), instances.liveKeys(), batch);
        for (RequestOutcomes.JobToPoll job : jobs) {
            if (job.orphaned()) {
                // Its copies died with the instance that ran them; asking our own tool would not know them either.
                interrupted.put(job.id(), ORPHANED);
            } else {
                jobsByHost.computeIfAbsent(job.host(), h -> new ArrayList<>()).add(job.id());
            }
        }
        if (!interrupted.isEmpty()) {
            log.warn("{} job(s) of stopped instances taken over: their requests are queued again", interrupted.size());
        }
        for (Map.Entry<String, List<String>> e : jobsByHost.entrySet()) {
            TransferTool tool = tools.tool(e.getKey()).orElse(null);
            if (tool == null) {
                log.warn("No transfer tool '{}' for {} submitted job(s)", e.getKey(), e.getValue().size());
                continue;
            }
            Map<String, JobStatus> states;
            try {
                states = tool.query(e.getValue());
            } catch (TransferToolException ex) {
                log.warn("Polling {} failed: {}", e.getKey(), ex.getMessage());
                continue;
            }
            for (JobStatus status : states.values()) {
                if (status.state() == JobState.LOST) {
                    ended.put(status.jobId(), LOST);
                    continue;
                }
                if (status.state() == JobState.INTERRUPTED) {
                    interrupted.put(status.jobId(), INTERRUPTED);
                    continue;
                }
                if (status.state().terminal()) {
                    ended.put(status.jobId(), NO_FINAL_STATE);
                }
                for (FileStatus f : status.files()) {
                    if (f.state() == FileState.FINISHED) {
                        outcomes.add(new Outcome(f.requestId(), true, null, status.jobId()));
                    } else if (f.state() == FileState.FAILED || f.state() == FileState.CANCELED) {
                        outcomes.add(new Outcome(f.requestId(), false,
                                f.reason().isEmpty() ? status.reason() : f.reason(), status.jobId()));
                    }
                }
                // Whole jobs per transaction (a job is forgotten with its last files), about FINISH_BATCH files each.
                if (outcomes.size() >= FINISH_BATCH) {
                    finished += outcomes.size() + ended.size() + interrupted.size();
                    requeued += requests.finish(outcomes, retry, ended, interrupted);
                    outcomes.clear();
                    ended.clear();
                    interrupted.clear();
                }
            }
        }
        finished += outcomes.size() + ended.size() + interrupted.size();
        requeued += requests.finish(outcomes, retry, ended, interrupted);
        if (requeued > 0) {
            log.warn("{} request(s) of ended or lost jobs had no final state: queued again", requeued);
        }
        return WorkResult.of(finished + requeued);
    }
}
