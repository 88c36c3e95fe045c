package org.stevedore.tape.campaign;

import java.time.Clock;
import java.time.LocalDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.JobParametersBuilder;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.launch.JobLauncher;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.repeat.RepeatStatus;
import org.springframework.transaction.PlatformTransactionManager;
import org.stevedore.catalog.daemon.Instances;
import org.stevedore.catalog.time.Sleeper;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.store.CampaignState;
import org.stevedore.tape.store.CampaignStore;

/**
 * The campaign job (Spring Batch 5): {@code expand} (inputs → campaign files), {@code stage} (chunk-oriented: each
 * item a granted stage request, written as the stage call plus the store record of its files), {@code copy} (with a
 * target: waits until every staged file is copied to the destination or stuck), {@code finish} (COMPLETED once every
 * file is settled). One job instance per campaign, identified by its id: launching it again
 * after a failure or a stop restarts it, skipping the finished expansion, and the staging step reads on from the
 * store's PENDING files.
 *
 * <p>Jobs are built per launch rather than with step-scoped beans, so that several campaigns run at once, each with its
 * own reader, without proxies or an application context (the tests build them the same way).
 */
public final class CampaignJobs {

    public static final String JOB = "campaign";
    public static final String CAMPAIGN_ID = "campaign.id";

    private static final Logger log = LoggerFactory.getLogger(CampaignJobs.class);

    private final JobRepository repository;
    private final PlatformTransactionManager transactions;
    private final JobLauncher launcher;
    private final CampaignStore campaigns;
    private final TapeEndpoints endpoints;
    private final StagingScheduler scheduler;
    private final StageTracker tracker;
    private final DiskLifetimes lifetimes;
    private final CampaignSettings settings;
    private final Clock clock;
    private final Sleeper waits;
    /** Which instance this is and which are alive; null for a service that runs alone (every campaign is its own). */
    private final Instances instances;
    /** The executions this process launched, by campaign: a campaign whose execution runs here is not launched again. */
    private final Map<String, JobExecution> launched = new ConcurrentHashMap<>();

    public CampaignJobs(JobRepository repository, PlatformTransactionManager transactions, JobLauncher launcher,
                        CampaignStore campaigns, TapeEndpoints endpoints, StagingScheduler scheduler,
                        CampaignSettings settings, Clock clock, Sleeper waits) {
        this(repository, transactions, launcher, campaigns, endpoints, scheduler, settings, clock, waits, List.of());
    }

    /** @param stagedListeners told of files found on disk before they are settled STAGED (see {@link StageTracker}) */
    public CampaignJobs(JobRepository repository, PlatformTransactionManager transactions, JobLauncher launcher,
                        CampaignStore campaigns, TapeEndpoints endpoints, StagingScheduler scheduler,
                        CampaignSettings settings, Clock clock, Sleeper waits, List<StagedListener> stagedListeners) {
        this(repository, transactions, launcher, campaigns, endpoints, scheduler, settings, clock, waits,
                stagedListeners, null);
    }

    /**
     * @param instances this instance among those sharing the store and the job repository: a campaign's job runs on
     *                  the instance that claimed it (its owner, on the campaign), and another resumes it only once
     *                  that instance's heartbeats have expired; null for a service that runs alone
     */
    public CampaignJobs(JobRepository repository, PlatformTransactionManager transactions, JobLauncher launcher,
                        CampaignStore campaigns, TapeEndpoints endpoints, StagingScheduler scheduler,
                        CampaignSettings settings, Clock clock, Sleeper waits, List<StagedListener> stagedListeners,
                        Instances instances) {
        this.instances = instances;
        this.repository = repository;
        this.transactions = transactions;
        this.launcher = launcher;
        this.campaigns = campaigns;
        this.endpoints = endpoints;
        this.scheduler = scheduler;
        this.tracker = new StageTracker(campaigns, endpoints, scheduler, stagedListeners);
        // The listener that pins what is staged also knows how long rules want it pinned (CampaignPins).
        this.lifetimes = stagedListeners.stream().filter(DiskLifetimes.class::isInstance).map(DiskLifetimes.class::cast)
                .findFirst().orElse(DiskLifetimes.campaignOnly());
        this.settings = settings;
        this.clock = clock;
        this.waits = waits;
    }

    public StageTracker tracker() {
        return tracker;
    }

    public StagingScheduler scheduler() {
        return scheduler;
    }

    public Job job(String campaignId) {
        StageChunkReader reader = new StageChunkReader(campaignId, campaigns, scheduler, tracker, settings, clock, waits,
                new CampaignEnding(campaigns, endpoints, tracker), new SubmissionRecovery(campaignId, campaigns, endpoints));
        StageChunkWriter writer = new StageChunkWriter(campaignId, campaigns, endpoints, scheduler, settings, waits,
                lifetimes);
        return new JobBuilder(JOB, repository)
                .start(new StepBuilder("expand", repository)
                        .tasklet(new ExpandInputs(campaignId, campaigns, endpoints, settings.expansionBatch()), transactions)
                        .build())
                .next(new StepBuilder("stage", repository)
                        .<StageChunk, StageChunk>chunk(1, transactions)
                        .reader(reader)
                        .writer(writer)
                        .build())
                .next(new StepBuilder("copy", repository)
                        .tasklet(new AwaitCopies(campaignId, campaigns, settings, waits), transactions)
                        .build())
                .next(new StepBuilder("finish", repository)
                        .tasklet((contribution, context) -> {
                            boolean complete = campaigns.completeIfDone(campaignId);
                            if (complete) {
                                campaigns.copies().endOwnedRule(campaignId);
                            }
                            log.info("Campaign {} staging ended; {}", campaignId, complete ? "COMPLETED" : "not complete");
                            return RepeatStatus.FINISHED;
                        }, transactions)
                        .build())
                .build();
    }

    public static JobParameters parameters(String campaignId) {
        return new JobParametersBuilder().addString(CAMPAIGN_ID, campaignId).toJobParameters();
    }

    /**
     * Starts the campaign's job, or restarts it where it stopped, once this instance owns the campaign. Answers null,
     * launching nothing, when another live instance owns it and its job is running there.
     */
    public synchronized JobExecution launch(String campaignId) {
        // A campaign whose job runs nowhere (a new one, or one paused and now resumed through this instance) is taken
        // whoever owned it last; one whose job runs is left to its owner while that one lives.
        boolean runsSomewhere = instances != null && running(campaignId);
        if (instances != null && !campaigns.claimOwner(campaignId, instances.self().key(),
                runsSomewhere ? instances.liveKeys() : Set.of(), false)) {
            log.info("Campaign {} is run by another live instance; not launched here", campaignId);
            return null;
        }
        return start(campaignId);
    }

    private JobExecution start(String campaignId) {
        try {
            JobExecution execution = launcher.run(job(campaignId), parameters(campaignId));
            launched.put(campaignId, execution);
            return execution;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot launch the job of campaign " + campaignId + ": " + e.getMessage(), e);
        }
    }

    private boolean claim(String campaignId, boolean orphanedOnly) {
        return instances == null
                || campaigns.claimOwner(campaignId, instances.self().key(), instances.liveKeys(), orphanedOnly);
    }

    /** Whether the campaign's job is running (in any process sharing the job repository, or was when it died). */
    public boolean running(String campaignId) {
        JobExecution last = repository.getLastJobExecution(JOB, parameters(campaignId));
        return last != null && last.isRunning();
    }

    /** Whether an execution this process launched for the campaign is still running. */
    public boolean runningHere(String campaignId) {
        JobExecution execution = launched.get(campaignId);
        return execution != null && execution.isRunning();
    }

    /**
     * At start-up: every RUNNING campaign whose job does not run here and that this instance owns or may claim (no
     * owner, its own from before a restart, or an owner whose heartbeats expired) is taken: an execution left running
     * by a dead process is marked FAILED (it cannot be running any more), then the job is launched again, so it
     * resumes where it was; stage requests already made are found again, not made twice ({@link SubmissionRecovery}).
     * A campaign another live instance owns is left to it.
     */
    public int resumeAll() {
        return resume(false);
    }

    /**
     * Later, from the campaign resumer's cycles: only the RUNNING campaigns of instances that died are taken over, as
     * {@link #resumeAll()} does. This instance's own campaigns whose job failed or stopped are not relaunched here.
     */
    public int takeOverOrphans() {
        return instances == null ? 0 : resume(true);
    }

    private synchronized int resume(boolean orphanedOnly) {
        int resumed = 0;
        for (String id : campaigns.ids(EnumSet.of(CampaignState.RUNNING))) {
            if (runningHere(id) || !claim(id, orphanedOnly)) {
                continue;
            }
            abandonStale(id);
            start(id);
            resumed++;
        }
        if (resumed > 0) {
            log.info("{} {} running campaigns", orphanedOnly ? "Took over" : "Resumed", resumed);
        }
        return resumed;
    }

    private void abandonStale(String campaignId) {
        JobExecution last = repository.getLastJobExecution(JOB, parameters(campaignId));
        if (last == null || !last.isRunning()) {
            return;
        }
        LocalDateTime now = LocalDateTime.now(clock);
        for (StepExecution step : last.getStepExecutions()) {
            if (step.getStatus().isRunning()) {
                step.setStatus(BatchStatus.FAILED);
                step.setExitStatus(ExitStatus.FAILED.addExitDescription("the process ended while the step ran"));
                step.setEndTime(now);
                repository.update(step);
            }
        }
        last.setStatus(BatchStatus.FAILED);
        last.setExitStatus(ExitStatus.FAILED.addExitDescription("the process ended while the job ran"));
        last.setEndTime(now);
        repository.update(last);
        log.info("Campaign {}: job execution {} left running by a previous process marked FAILED", campaignId,
                last.getId());
    }
}
