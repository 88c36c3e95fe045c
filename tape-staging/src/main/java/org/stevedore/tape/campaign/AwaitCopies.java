package org.stevedore.tape.campaign;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.JobInterruptedException;
import org.springframework.batch.core.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.repeat.RepeatStatus;
import org.stevedore.catalog.time.Sleeper;
import org.stevedore.tape.store.CampaignState;
import org.stevedore.tape.store.CampaignStore;

/**
 * The step after staging, for a campaign with a target: attaches any staged file not attached yet (settled just
 * before a crash), then waits, a poll interval at a time, until no staged file is still on its way to the destination
 * (each is copied, stuck, or no longer wanted there). Without a target it ends at once. A paused or cancelled campaign
 * stops the step, to be restarted with the job.
 */
final class AwaitCopies implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(AwaitCopies.class);

    private final String campaignId;
    private final CampaignStore campaigns;
    private final CampaignSettings settings;
    private final Sleeper waits;
    private boolean swept;

    AwaitCopies(String campaignId, CampaignStore campaigns, CampaignSettings settings, Sleeper waits) {
        this.campaignId = campaignId;
        this.campaigns = campaigns;
        this.settings = settings;
        this.waits = waits;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        CampaignState state = campaigns.get(campaignId).state();
        if (state != CampaignState.RUNNING) {
            log.info("Campaign {} is {}: its copy step stops", campaignId, state);
            throw new JobInterruptedException("campaign " + campaignId + " is " + state);
        }
        if (!swept) {
            int late = campaigns.copies().attachStaged(campaignId, null);
            if (late > 0) {
                log.info("Campaign {}: {} staged files attached to its target after a restart", campaignId, late);
            }
            swept = true;
        }
        long outstanding = campaigns.copies().copiesOutstanding(campaignId);
        if (outstanding == 0) {
            return RepeatStatus.FINISHED;
        }
        log.debug("Campaign {}: {} staged files still on their way to the destination", campaignId, outstanding);
        waits.sleep(settings.pollInterval());
        return RepeatStatus.CONTINUABLE;
    }
}
