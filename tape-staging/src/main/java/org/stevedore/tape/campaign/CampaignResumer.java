package org.stevedore.tape.campaign;

import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;

/**
 * Resumes RUNNING campaigns whose job runs nowhere: at start-up (its first cycle), and later when the instance that ran one has died (its
 * heartbeats expired), so that a campaign outlives the instance running it without two instances ever running it at
 * once ({@link CampaignJobs#resumeAll()}: ownership is a conditional claim on the campaign, not a partition). Its own
 * heartbeat is part of what keeps this instance alive in the others' eyes.
 */
public final class CampaignResumer implements Worker {

    private final CampaignJobs jobs;
    private boolean started;

    public CampaignResumer(CampaignJobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public String executable() {
        return "campaign-resumer";
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        // Not partitioned: each campaign is claimed in one transaction, and there are few campaigns. The first cycle
        // is the start-up's: it also resumes what this instance ran before it restarted.
        int resumed = started ? jobs.takeOverOrphans() : jobs.resumeAll();
        started = true;
        return WorkResult.of(resumed);
    }
}
