package org.stevedore.tape.campaign;

import java.util.List;
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
 * Sends each granted chunk as one stage request and records, in one store transaction, that its files are REQUESTED
 * under the endpoint's request id; only then is the chunk done, so a restart never asks for them again. A transient
 * endpoint failure gives the files back (they are asked for later); a refusal fails them with the endpoint's reason;
 * anything else fails the step, to be restarted.
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
        String requestId;
        try {
            requestId = endpoint.stage(files);
        } catch (TapeEndpointException e) {
            if (e.isTransient()) {
                scheduler.giveBack(campaignId, chunk.tapeRse(), keys.size(), chunk.bytes());
                campaigns.setError(campaignId, "stage request to " + chunk.tapeRse() + " failed, retrying: " + e.getMessage());
                log.warn("Campaign {}: stage request of {} files to {} failed, retrying later: {}", campaignId,
                        keys.size(), chunk.tapeRse(), e.getMessage());
                waits.sleep(settings.pollInterval());
                return;
            }
            refused(chunk, "stage request refused by " + chunk.tapeRse() + ": " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            scheduler.giveBack(campaignId, chunk.tapeRse(), keys.size(), chunk.bytes());
            throw e;
        }
        int recorded = campaigns.files().requested(campaignId, keys, requestId);
        if (recorded != keys.size()) {
            log.warn("Campaign {}: request {} recorded for {} of {} files (the others were no longer pending)",
                    campaignId, requestId, recorded, keys.size());
        }
        log.debug("Campaign {}: stage request {} to {} with {} files", campaignId, requestId, chunk.tapeRse(), recorded);
    }

    private void refused(StageChunk chunk, String reason) {
        Counts failed = campaigns.files().failPending(campaignId, chunk.keys(), reason);
        scheduler.settled(campaignId, chunk.tapeRse(), chunk.keys().size(), chunk.bytes());
        log.warn("Campaign {}: {} files failed: {}", campaignId, failed.files(), reason);
    }
}
