package org.stevedore.tape.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.tape.endpoint.StageRequestStatus;
import org.stevedore.tape.endpoint.StagedFile;
import org.stevedore.tape.endpoint.TapeEndpoint;
import org.stevedore.tape.endpoint.TapeEndpointException;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.store.CampaignFile;
import org.stevedore.tape.store.CampaignFileStore.Outcome;
import org.stevedore.tape.store.CampaignFileStore.OutstandingRequest;
import org.stevedore.tape.store.CampaignJoins;
import org.stevedore.tape.store.CampaignJoins.Followed;
import org.stevedore.tape.store.CampaignStore;
import org.stevedore.tape.store.StageSubmissions.Forgotten;

/**
 * Polls a campaign's outstanding stage requests (one status call per request, never per file) and settles the files
 * the endpoint reports staged or failed, in one store transaction; the freed room goes back to the scheduler.
 */
public final class StageTracker {

    private static final Logger log = LoggerFactory.getLogger(StageTracker.class);
    /** How often a file whose stage request the endpoint forgot is asked for again before it fails. */
    static final int MAX_REASKS = 3;

    private final CampaignStore campaigns;
    private final TapeEndpoints endpoints;
    private final StagingScheduler scheduler;
    private final List<StagedListener> stagedListeners;

    public StageTracker(CampaignStore campaigns, TapeEndpoints endpoints, StagingScheduler scheduler) {
        this(campaigns, endpoints, scheduler, List.of());
    }

    /** @param stagedListeners told of the files found on disk before they are settled STAGED (pins, ...) */
    public StageTracker(CampaignStore campaigns, TapeEndpoints endpoints, StagingScheduler scheduler,
                        List<StagedListener> stagedListeners) {
        this.campaigns = campaigns;
        this.endpoints = endpoints;
        this.scheduler = scheduler;
        this.stagedListeners = List.copyOf(stagedListeners);
    }

    /** Polls once; returns how many files were settled. */
    public int poll(String campaignId) {
        List<Outcome> outcomes = new ArrayList<>();
        List<CampaignFile> staged = new ArrayList<>();
        for (OutstandingRequest request : campaigns.files().outstanding(campaignId)) {
            Map<String, CampaignFile> ours = campaigns.files().requestedIn(campaignId, request.requestId());
            Optional<TapeEndpoint> endpoint = endpoints.forRse(request.tapeRse());
            if (endpoint.isEmpty()) {
                ours.values().forEach(f -> outcomes.add(new Outcome(f.key(), false,
                        "no tape endpoint serves " + request.tapeRse() + " any more")));
                continue;
            }
            StageRequestStatus status;
            try {
                status = endpoint.get().status(request.requestId());
            } catch (TapeEndpointException e) {
                if (e.isTransient()) {
                    log.warn("Campaign {}: stage request {} on {} could not be polled, trying later: {}", campaignId,
                            request.requestId(), request.tapeRse(), e.getMessage());
                    continue;
                }
                if (e.status() == 404) {
                    forgotten(campaignId, request, e);
                    continue;
                }
                ours.values().forEach(f -> outcomes.add(new Outcome(f.key(), false,
                        "stage request " + request.requestId() + " failed: " + e.getMessage())));
                continue;
            }
            for (StagedFile file : status.files()) {
                CampaignFile f = ours.get(file.path());
                if (f == null) {
                    continue;
                }
                if (file.staged()) {
                    outcomes.add(new Outcome(f.key(), true, null));
                    staged.add(f);
                } else if (file.failed()) {
                    outcomes.add(new Outcome(f.key(), false, file.error() != null ? file.error()
                            : "stage " + file.state().name().toLowerCase() + " without a reason"));
                }
            }
        }
        notifyStaged(campaignId, staged);
        Map<String, org.stevedore.tape.store.Campaign.Counts> freed = campaigns.files().settle(campaignId, outcomes);
        freed.forEach((rse, counts) -> scheduler.settled(campaignId, rse, counts.files(), counts.bytes()));
        goOnToTarget(campaignId, outcomes);
        return outcomes.size() + followJoined(campaignId);
    }

    /**
     * The files this campaign left to another one: staged there, they are staged here too, under the same request
     * (pinned with this campaign's hold, then on to its target); let go (see {@link CampaignJoins}), they are this
     * campaign's to ask for again.
     */
    private int followJoined(String campaignId) {
        Followed followed = campaigns.joins().follow(campaignId);
        followed.fellBack().forEach((rse, counts) -> scheduler.added(campaignId, rse, counts.files(), counts.bytes()));
        notifyStaged(campaignId, followed.staged());
        int settled = campaigns.joins().settleStaged(campaignId, followed.staged());
        goOnToTarget(campaignId, followed.staged().stream().map(f -> new Outcome(f.key(), true, null)).toList());
        return settled;
    }

    /**
     * The endpoint no longer knows the request (an emulator restarted with the service, a tape system that purged
     * it): its files are not lost, they are asked for again, up to {@link #MAX_REASKS} times each.
     */
    private void forgotten(String campaignId, OutstandingRequest request, TapeEndpointException e) {
        Forgotten f = campaigns.submissions().forgotten(campaignId, request.requestId(), MAX_REASKS,
                "stage request " + request.requestId() + " unknown to " + request.tapeRse() + " (" + e.getMessage()
                        + ") after " + MAX_REASKS + " requests");
        scheduler.giveBack(campaignId, request.tapeRse(), f.pendingAgain().files(), f.pendingAgain().bytes());
        scheduler.settled(campaignId, request.tapeRse(), f.failed().files(), f.failed().bytes());
        log.warn("Campaign {}: stage request {} unknown to {}: {} files to be asked for again, {} failed", campaignId,
                request.requestId(), request.tapeRse(), f.pendingAgain().files(), f.failed().files());
    }

    /** Before the settle: a listener that fails leaves the files REQUESTED, to be reported again. */
    private void notifyStaged(String campaignId, List<CampaignFile> staged) {
        if (!staged.isEmpty()) {
            stagedListeners.forEach(l -> l.staged(campaignId, staged));
        }
    }

    /**
     * After settling: the files just staged go on to the campaign's target dataset (a no-op without one). Kept apart
     * from the settle transaction: a crash in between leaves them STAGED and not attached, and the campaign's copy
     * step attaches every such file, so none is lost and none attached twice.
     */
    private void goOnToTarget(String campaignId, List<Outcome> outcomes) {
        List<String> staged = outcomes.stream().filter(Outcome::staged).map(Outcome::key).toList();
        if (staged.isEmpty()) {
            return;
        }
        try {
            int attached = campaigns.copies().attachStaged(campaignId, staged);
            if (attached > 0) {
                log.debug("Campaign {}: {} staged files attached to its target", campaignId, attached);
            }
        } catch (RuntimeException e) {
            log.warn("Campaign {}: staged files could not be attached to its target yet, trying later: {}", campaignId,
                    e.getMessage());
        }
    }
}
