package org.stevedore.tape.campaign;

import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.item.Chunk;
import org.springframework.batch.item.ItemWriter;
import org.stevedore.catalog.time.Sleeper;
import org.stevedore.tape.endpoint.StageFile;
import org.stevedore.tape.endpoint.TapeEndpoint;
import org.stevedore.tape.endpoint.TapeEndpointException;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.Campaign.Counts;
import org.stevedore.tape.store.CampaignStore;

/**
 * Sends each granted chunk as one stage request, recorded on both sides of the call: before it, its files go
 * SUBMITTING under a submission id made here (sent to the endpoint where it takes one); after it, REQUESTED under the
 * endpoint's request id. A crash in between leaves them SUBMITTING, and the restarted campaign finds the request again
 * or asks for them once more ({@link SubmissionRecovery}): none is lost. A transient endpoint failure gives the files
 * back (they are asked for later); a refusal fails them with the endpoint's reason; anything else fails the step, to
 * be restarted, with the files left SUBMITTING (whether the request went out is unknown).
 */
final class StageChunkWriter implements ItemWriter<StageChunk> {

    private static final Logger log = LoggerFactory.getLogger(StageChunkWriter.class);

    private final String campaignId;
    private final CampaignStore campaigns;
    private final TapeEndpoints endpoints;
    private final StagingScheduler scheduler;
    private final CampaignSettings settings;
    private final Sleeper waits;
    private final DiskLifetimes lifetimes;

    StageChunkWriter(String campaignId, CampaignStore campaigns, TapeEndpoints endpoints, StagingScheduler scheduler,
                     CampaignSettings settings, Sleeper waits, DiskLifetimes lifetimes) {
        this.lifetimes = lifetimes;
        this.campaignId = campaignId;
        this.campaigns = campaigns;
        this.endpoints = endpoints;
        this.scheduler = scheduler;
        this.settings = settings;
        this.waits = waits;
    }

    @Override
    public void write(Chunk<? extends StageChunk> chunk) throws Exception {
        Campaign campaign = campaigns.get(campaignId);
        for (StageChunk c : chunk) {
            write(campaign, c);
        }
    }

    private void write(Campaign campaign, StageChunk chunk) throws InterruptedException {
        List<String> keys = chunk.keys();
        TapeEndpoint endpoint = endpoints.forRse(chunk.tapeRse()).orElse(null);
        if (endpoint == null) {
            refused(chunk, "no tape endpoint serves " + chunk.tapeRse());
            return;
        }
        java.util.Map<String, java.time.Duration> longer = lifetimes.of(chunk.tapeRse(), chunk.files(),
                campaign.pinLifetime());
        List<StageFile> files = chunk.files().stream()
                .map(f -> new StageFile(f.path(), longer.getOrDefault(f.path(), campaign.pinLifetime()))).toList();
        String submitId = UUID.randomUUID().toString();
        int intended = campaigns.submissions().intend(campaignId, keys, submitId);
        if (intended != keys.size()) {
            log.warn("Campaign {}: submission {} holds {} of {} files (the others were no longer pending)",
                    campaignId, submitId, intended, keys.size());
        }
        String requestId;
        try {
            requestId = endpoint.stage(submitId, files);
        } catch (TapeEndpointException e) {
            if (e.isTransient()) {
                campaigns.submissions().withdraw(campaignId, submitId);
                scheduler.giveBack(campaignId, chunk.tapeRse(), keys.size(), chunk.bytes());
                campaigns.setError(campaignId, "stage request to " + chunk.tapeRse() + " failed, retrying: " + e.getMessage());
                log.warn("Campaign {}: stage request of {} files to {} failed, retrying later: {}", campaignId,
                        keys.size(), chunk.tapeRse(), e.getMessage());
                waits.sleep(settings.pollInterval());
                return;
            }
            Counts failed = campaigns.submissions().fail(campaignId, submitId,
                    "stage request refused by " + chunk.tapeRse() + ": " + e.getMessage());
            scheduler.settled(campaignId, chunk.tapeRse(), keys.size(), chunk.bytes());
            log.warn("Campaign {}: {} files failed: stage request refused by {}: {}", campaignId, failed.files(),
                    chunk.tapeRse(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            scheduler.giveBack(campaignId, chunk.tapeRse(), keys.size(), chunk.bytes());
            throw e;
        }
        int recorded = campaigns.submissions().submitted(campaignId, submitId, requestId);
        log.debug("Campaign {}: stage request {} to {} with {} files", campaignId, requestId, chunk.tapeRse(), recorded);
    }

    private void refused(StageChunk chunk, String reason) {
        Counts failed = campaigns.files().failPending(campaignId, chunk.keys(), reason);
        scheduler.settled(campaignId, chunk.tapeRse(), chunk.keys().size(), chunk.bytes());
        log.warn("Campaign {}: {} files failed: {}", campaignId, failed.files(), reason);
    }
}
