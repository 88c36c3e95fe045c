package org.stevedore.bridge.task;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.bridge.error.InvalidJobState;
import org.stevedore.bridge.error.JobNotFound;
import org.stevedore.bridge.output.OutputRegistrar;
import org.stevedore.bridge.pin.TaskPins;
import org.stevedore.bridge.store.BridgeStore;
import org.stevedore.bridge.store.BridgeStore.Job;
import org.stevedore.bridge.store.BridgeStore.Task;
import org.stevedore.bridge.store.JobOutputs;
import org.stevedore.bridge.store.TaskEndStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.error.InvalidObject;

/**
 * The ends of jobs and tasks: the workflow system's job end report (with its outputs), cancelling a task, and the
 * expiry of a task whose lease ran out. Whichever way a task ends, its campaign, pins and output datasets follow.
 */
public final class TaskEnder {

    private static final Logger log = LoggerFactory.getLogger(TaskEnder.class);

    /** Output files a job reports with its end, for {@code scope:dataset} (closed when the task ends). */
    public record JobOutput(String scope, String dataset, List<JobOutputs.Output> files) {
    }

    /** Job end states, as the workflow system reports them. */
    public enum EndState { DONE, FAILED, CANCELLED;

        public static EndState parse(String value) {
            if (value != null) {
                try {
                    return valueOf(value.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ignored) {
                    // reported below
                }
            }
            throw new InvalidObject("Job end 'state' must be done, failed or cancelled, not '" + value + "'");
        }
    }

    private final BridgeService tasks;
    private final TaskEndStore store;
    private final TaskPins pins;
    private final OutputRegistrar outputs;
    private final Clock clock;
    private final TaskCampaigns campaigns;

    /**
     * @param tasks     the task reads (an end report renews the task's lease)
     * @param outputs   registers the output files a job reports (null: not available)
     * @param campaigns the tape-staging path of inputs on tape only (null: none)
     */
    public TaskEnder(BridgeService tasks, TaskEndStore store, TaskPins pins, OutputRegistrar outputs, Clock clock,
                     TaskCampaigns campaigns) {
        this.tasks = tasks;
        this.store = store;
        this.pins = pins;
        this.outputs = outputs;
        this.clock = clock;
        this.campaigns = campaigns;
    }

    /**
     * The workflow system's report that a job ended, with the output files it wrote (optional; registered first, all
     * or nothing, so a refused registration leaves the job as it was and the report can be sent again). Files no
     * other unfinished job of the task needs lose the task's pin; when it was the task's last job the task is
     * FINISHED, its pin rule goes and its output datasets are closed. Reporting the same end twice is harmless.
     */
    public TaskEndStore.Ended endJob(String jobId, EndState state, JobOutput output, String account) {
        Job job = tasks.job(jobId);
        if (output != null) {
            if (outputs == null) {
                throw new InvalidObject("Output registration is not available in this deployment");
            }
            if (output.scope() == null || output.dataset() == null) {
                throw new InvalidObject("'outputs' needs a 'scope' and a 'dataset' besides its 'files'");
            }
            DidRef dataset = DidRef.of(output.scope(), output.dataset());
            outputs.register(account, jobId, output.scope(), output.dataset(), output.files());
            store.addOutputDataset(job.taskId(), dataset.key());
        }
        return endJob(jobId, state);
    }

    /** {@link #endJob(String, EndState, JobOutput, String)} without outputs. */
    public TaskEndStore.Ended endJob(String jobId, EndState state) {
        TaskEndStore.Ended ended = store.endJob(jobId, state.name(), clock.millis(), (from, to) -> {
            if (from.equals(to)) {
                return;
            }
            if (BridgeStore.HELD.equals(from) && !"CANCELLED".equals(to)) {
                throw new InvalidJobState("Job '" + jobId + "' is not released yet; only 'cancelled' can be reported for it");
            }
            if (!BridgeStore.HELD.equals(from) && !BridgeStore.RELEASED.equals(from)) {
                throw new InvalidJobState("Job '" + jobId + "' already ended as " + from.toLowerCase(Locale.ROOT));
            }
        }).orElseThrow(() -> new JobNotFound("No job with id '" + jobId + "'"));
        tasks.touch(ended.task().id());
        if (ended.changed()) {
            log.info("Job {} of task {} ended {}; {} file(s) no longer needed by the task", jobId, ended.task().id(),
                    state, ended.unpinnedFiles().size());
        }
        if (ended.taskFinished()) {
            taskEnded(ended.task());
            log.info("Task {} finished: every job ended; pin rule {} removed", ended.task().id(), ended.task().ruleId());
        }
        return ended;
    }

    /** What follows a streaming task's finishing (its inputs closed, every job ended; see StreamStore). */
    public void streamFinished(Task task) {
        taskEnded(task);
        log.info("Task {} finished: its inputs are closed and every job ended; pin rule {} removed", task.id(),
                task.ruleId());
    }

    /**
     * What follows the end of a task, whichever way it ended: its tape campaign is cancelled, its pins go, its output
     * datasets close.
     */
    private void taskEnded(Task task) {
        if (campaigns != null) {
            campaigns.cancel(task.id(), task.campaignId());
        }
        pins.unpin(task.id(), task.ruleId());
        if (outputs != null) {
            for (String key : task.outputDatasets()) {
                DidRef dataset = DidRef.fromKey(key);
                try {
                    outputs.close(dataset.scope(), dataset.name());
                } catch (org.stevedore.catalog.error.StevedoreException e) {
                    log.warn("Task {}: output dataset {} could not be closed: {}", task.id(), key, e.getMessage());
                }
            }
        }
    }

    /** Cancels a task: its unfinished jobs are CANCELLED and its pin rule goes (files other tasks pin stay). */
    public Task cancel(String taskId) {
        Optional<Task> before = store.end(taskId, "CANCELLED", clock.millis(), null);
        if (before.isEmpty()) {
            Task task = tasks.require(taskId);
            if ("CANCELLED".equals(task.state())) {
                return task;
            }
            throw new InvalidJobState("Task '" + taskId + "' has already ended: " + task.state().toLowerCase(Locale.ROOT));
        }
        taskEnded(before.get());
        log.info("Task {} cancelled; pin rule {} removed", taskId, before.get().ruleId());
        return tasks.require(taskId);
    }

    /** Ends a task whose lease ran out; answers whether it did (false: it had ended meanwhile). */
    public boolean expire(String taskId) {
        long now = clock.millis();
        Optional<Task> before = store.end(taskId, "EXPIRED", now, now);
        if (before.isEmpty()) {
            return false;
        }
        taskEnded(before.get());
        log.info("Task {} expired: no call since its lease ran out at {}; pin rule {} removed", taskId,
                before.get().leaseExpiresAt(), before.get().ruleId());
        return true;
    }
}
