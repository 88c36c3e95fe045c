package org.stevedore.tape.campaign;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.tape.endpoint.TapeEndpointException;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.store.CampaignFile;
import org.stevedore.tape.store.CampaignFileState;
import org.stevedore.tape.store.CampaignStore;

/**
 * The clean-up of a campaign that ends before its files are all settled (cancelled, or past its deadline): a last
 * poll, so what is on disk by now counts as staged (and gets its pin), then the recalls still outstanding are
 * cancelled at their endpoints and the files not staged are failed with the reason. Safe to repeat: a clean-up cut
 * short by a crash is done again.
 */
final class CampaignEnding {

    private static final Logger log = LoggerFactory.getLogger(CampaignEnding.class);

    private final CampaignStore campaigns;
    private final TapeEndpoints endpoints;
    private final StageTracker tracker;

    CampaignEnding(CampaignStore campaigns, TapeEndpoints endpoints, StageTracker tracker) {
        this.campaigns = campaigns;
        this.endpoints = endpoints;
        this.tracker = tracker;
    }

    static String deadlineReason(Instant deadline) {
        return "deadline " + deadline + " passed";
    }

    /** Returns how many files were failed. */
    int end(String campaignId, String reason) {
        try {
            tracker.poll(campaignId);
        } catch (RuntimeException e) {
            log.warn("Campaign {}: last poll before ending failed: {}", campaignId, e.getMessage());
        }
        Map<String, Map<String, List<String>>> requested = byEndpointAndRequest(campaigns.files().files(campaignId,
                CampaignFileState.REQUESTED, Integer.MAX_VALUE));
        requested.forEach((rse, byRequest) -> endpoints.forRse(rse).ifPresent(e -> byRequest.forEach((request, paths) -> {
            try {
                e.cancel(request, paths);
            } catch (TapeEndpointException failure) {
                log.warn("Campaign {}: cancel of stage request {} on {} failed: {}", campaignId, request, rse,
                        failure.getMessage());
            }
        })));
        int failed = campaigns.files().failOpen(campaignId, reason);
        campaigns.copies().endOwnedRule(campaignId);
        return failed;
    }

    private static Map<String, Map<String, List<String>>> byEndpointAndRequest(List<CampaignFile> files) {
        Map<String, Map<String, List<String>>> grouped = new LinkedHashMap<>();
        for (CampaignFile f : files) {
            if (f.tapeRse() != null && f.requestId() != null) {
                grouped.computeIfAbsent(f.tapeRse(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(f.requestId(), k -> new ArrayList<>()).add(f.path());
            }
        }
        return grouped;
    }
}
