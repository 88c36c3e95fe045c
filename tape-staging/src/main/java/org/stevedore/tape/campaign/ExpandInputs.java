package org.stevedore.tape.campaign;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.repeat.RepeatStatus;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.CampaignFile;
import org.stevedore.tape.store.CampaignFileState;
import org.stevedore.tape.store.CampaignFileStore.Candidate;
import org.stevedore.tape.store.CampaignFileStore.TapeCopy;
import org.stevedore.tape.store.CampaignStore;

/**
 * The first step of a campaign: every file under its inputs becomes a campaign file, PENDING on the first tape RSE (by
 * name) that has an AVAILABLE replica and an endpoint, or FAILED with the reason when there is none. Written in
 * batches; a restarted expansion writes the same files again and the store skips those it has.
 */
final class ExpandInputs implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(ExpandInputs.class);

    private final String campaignId;
    private final CampaignStore campaigns;
    private final TapeEndpoints endpoints;
    private final int batch;

    ExpandInputs(String campaignId, CampaignStore campaigns, TapeEndpoints endpoints, int batch) {
        this.campaignId = campaignId;
        this.campaigns = campaigns;
        this.endpoints = endpoints;
        this.batch = batch;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        Campaign campaign = campaigns.get(campaignId);
        if (campaign.expanded()) {
            return RepeatStatus.FINISHED;
        }
        List<CampaignFile> files = new ArrayList<>(batch);
        long[] added = new long[1];
        campaigns.files().candidates(campaign.inputs(), candidate -> {
            files.add(file(candidate));
            if (files.size() >= batch) {
                added[0] += campaigns.files().addFiles(campaignId, files);
                files.clear();
            }
        });
        added[0] += campaigns.files().addFiles(campaignId, files);
        // Files another running campaign already asks for wait on it, in its window (a crash before this: asked here).
        int joined = campaigns.joins().joinRunning(campaignId);
        if (joined > 0) {
            log.info("Campaign {}: {} files already being staged by other campaigns wait on them", campaignId, joined);
        }
        campaigns.files().markExpanded(campaignId);
        contribution.incrementWriteCount(added[0]);
        log.info("Campaign {}: inputs expanded, {} files added", campaignId, added[0]);
        return RepeatStatus.FINISHED;
    }

    private CampaignFile file(Candidate c) {
        TapeCopy copy = c.tapeCopies().stream().filter(t -> t.path() != null && endpoints.forRse(t.rse()).isPresent())
                .min(Comparator.comparing(TapeCopy::rse)).orElse(null);
        if (copy == null) {
            String reason = c.tapeCopies().isEmpty() ? "no AVAILABLE replica on a TAPE RSE"
                    : "no tape endpoint serves " + c.tapeCopies().stream().map(TapeCopy::rse).sorted().toList();
            return new CampaignFile(null, c.didKey(), c.scope(), c.name(), c.bytes(), null, null,
                    CampaignFileState.FAILED, null, reason);
        }
        return new CampaignFile(null, c.didKey(), c.scope(), c.name(), c.bytes(), copy.rse(), copy.path(),
                CampaignFileState.PENDING, null, null);
    }
}
