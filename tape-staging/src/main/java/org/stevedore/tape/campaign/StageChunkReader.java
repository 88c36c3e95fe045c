package org.stevedore.tape.campaign;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.JobInterruptedException;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.item.ItemStreamReader;
import org.stevedore.catalog.time.Sleeper;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.Campaign.Counts;
import org.stevedore.tape.store.CampaignFile;
import org.stevedore.tape.store.CampaignState;
import org.stevedore.tape.store.CampaignStore;

/**
 * The staging step's reader, one per run of a campaign: each item is the campaign's next files on one tape RSE, in
 * (tape RSE, path) order, as many as the scheduler grants. Between grants it polls the outstanding requests, and
 * waits when the window is full. Its position is the store itself: requested files are no longer PENDING, so a
 * restarted run reads on from where the last one stopped. It ends when nothing is pending or in flight; it stops the
 * step (STOPPED, restartable) when the campaign is paused or cancelled, and when its deadline comes (after ending it
 * EXPIRED).
 */
final class StageChunkReader implements ItemStreamReader<StageChunk> {

    private static final Logger log = LoggerFactory.getLogger(StageChunkReader.class);

    private final String campaignId;
    private final CampaignStore campaigns;
    private final StagingScheduler scheduler;
    private final StageTracker tracker;
    private final CampaignSettings settings;
    private final Clock clock;
    private final Sleeper waits;
    private final CampaignEnding ending;
    private final SubmissionRecovery recovery;
    /** When the outstanding requests were last polled; null: not yet in this run. */
    private Long lastPoll;

    StageChunkReader(String campaignId, CampaignStore campaigns, StagingScheduler scheduler, StageTracker tracker,
                     CampaignSettings settings, Clock clock, Sleeper waits, CampaignEnding ending,
                     SubmissionRecovery recovery) {
        this.ending = ending;
        this.recovery = recovery;
        this.campaignId = campaignId;
        this.campaigns = campaigns;
        this.scheduler = scheduler;
        this.tracker = tracker;
        this.settings = settings;
        this.clock = clock;
        this.waits = waits;
    }

    @Override
    public void open(ExecutionContext executionContext) {
        // Before counting what is in flight: requests an earlier run left half-recorded are settled first.
        recovery.recover();
        Campaign c = campaigns.get(campaignId);
        // Where files wait on another campaign too: they come back here if it lets them go.
        Map<String, Counts> pending = new LinkedHashMap<>(campaigns.files().pendingByTapeRse(campaignId));
        campaigns.joins().rses(campaignId).forEach(rse -> pending.putIfAbsent(rse, Counts.ZERO));
        scheduler.register(campaignId, c.priority(), c.deadline(), new Window(c.windowFiles(), c.windowBytes()),
                pending, campaigns.files().inFlightByTapeRse(campaignId));
    }

    @Override
    public void close() {
        scheduler.unregister(campaignId);
    }

    @Override
    public StageChunk read() throws Exception {
        while (true) {
            Campaign c = campaigns.get(campaignId);
            CampaignState state = c.state();
            if (state == CampaignState.RUNNING && c.deadline() != null && !clock.instant().isBefore(c.deadline())) {
                state = expire(c);
            }
            if (state != CampaignState.RUNNING) {
                log.info("Campaign {} is {}: its staging step stops", campaignId, state);
                throw new JobInterruptedException("campaign " + campaignId + " is " + state);
            }
            if (lastPoll == null || clock.millis() - lastPoll >= settings.pollInterval().toMillis()) {
                tracker.poll(campaignId);
                lastPoll = clock.millis();
            }
            for (String rse : scheduler.withPending(campaignId)) {
                StageChunk chunk = next(rse);
                if (chunk != null) {
                    return chunk;
                }
            }
            if (scheduler.idle(campaignId) && campaigns.joins().waiting(campaignId) == 0) {
                return null;
            }
            waits.sleep(settings.pollInterval());
        }
    }

    /**
     * The deadline has come: nothing more is asked for, the campaign turns EXPIRED, and (this being its job's thread,
     * so no request can slip past) its outstanding recalls are cancelled and the files not staged fail at once.
     */
    private CampaignState expire(Campaign c) {
        String reason = CampaignEnding.deadlineReason(c.deadline());
        if (campaigns.transition(campaignId, EnumSet.of(CampaignState.RUNNING), CampaignState.EXPIRED)) {
            campaigns.setError(campaignId, reason);
            int failed = ending.end(campaignId, reason);
            log.info("Campaign {} expired: {}; {} files not staged failed", campaignId, reason, failed);
        }
        return campaigns.get(campaignId).state();
    }

    /** The next granted files on one tape RSE, or null when the campaign must wait there. */
    private StageChunk next(String rse) {
        Counts room = scheduler.room(campaignId, rse);
        if (room.files() == 0) {
            return null;
        }
        int want = (int) Math.min(room.files(), settings.maxFilesPerRequest());
        List<CampaignFile> files = campaigns.files().pending(campaignId, rse, null, want);
        if (files.isEmpty()) {
            // The store has none left though the scheduler counted some (settled elsewhere): stop counting them.
            Counts left = scheduler.pending(campaignId, rse);
            scheduler.dropped(campaignId, rse, left.files(), left.bytes());
            return null;
        }
        List<CampaignFile> fitting = new ArrayList<>(files.size());
        List<String> tooLarge = new ArrayList<>();
        long tooLargeBytes = 0;
        for (CampaignFile f : files) {
            if (scheduler.neverFits(campaignId, rse, f.bytes())) {
                tooLarge.add(f.key());
                tooLargeBytes += f.bytes();
            } else {
                fitting.add(f);
            }
        }
        if (!tooLarge.isEmpty()) {
            Counts failed = campaigns.files().failPending(campaignId, tooLarge,
                    "larger than the staging window in bytes");
            scheduler.dropped(campaignId, rse, failed.files(), failed.bytes());
            log.warn("Campaign {}: {} files on {} larger than the window failed", campaignId, tooLarge.size(), rse);
        }
        long[] sizes = fitting.stream().mapToLong(CampaignFile::bytes).toArray();
        int granted = scheduler.take(campaignId, rse, sizes);
        return granted == 0 ? null : new StageChunk(rse, fitting.subList(0, granted));
    }
}
