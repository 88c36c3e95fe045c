package org.stevedore.tape.campaign;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.tape.endpoint.TapeEndpoint;
import org.stevedore.tape.endpoint.TapeEndpointException;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.store.CampaignStore;
import org.stevedore.tape.store.StageSubmissions.Submission;

/**
 * Settles, when a campaign's staging starts (again), the stage requests an earlier run recorded as SUBMITTING but
 * not as made: it died during the call, or between the call and its record. Each is looked for at its endpoint by
 * its submission id; found, its files are REQUESTED under it, and nothing is asked twice. Not found (the endpoint
 * made none, or cannot tell, as with the WLCG Tape REST API v1, which has no client id and no listing of requests),
 * its files go back to PENDING and are asked for once more in the campaign's window; a request made before the crash
 * then recalls them no more than once (tape systems join a recall in progress) and its pin runs out on its own.
 */
final class SubmissionRecovery {

    private static final Logger log = LoggerFactory.getLogger(SubmissionRecovery.class);

    private final String campaignId;
    private final CampaignStore campaigns;
    private final TapeEndpoints endpoints;

    SubmissionRecovery(String campaignId, CampaignStore campaigns, TapeEndpoints endpoints) {
        this.campaignId = campaignId;
        this.campaigns = campaigns;
        this.endpoints = endpoints;
    }

    /** Returns how many files were found in a request made before. */
    int recover() {
        int found = 0;
        for (Submission s : campaigns.submissions().open(campaignId)) {
            Optional<String> request = find(s);
            if (request.isPresent()) {
                found += campaigns.submissions().submitted(campaignId, s.submitId(), request.get());
                log.info("Campaign {}: submission {} found again at {} as stage request {}", campaignId, s.submitId(),
                        s.tapeRse(), request.get());
            } else {
                campaigns.submissions().withdraw(campaignId, s.submitId());
                log.info("Campaign {}: submission {} of {} files to {} not found there: they will be asked for again",
                        campaignId, s.submitId(), s.files().size(), s.tapeRse());
            }
        }
        return found;
    }

    private Optional<String> find(Submission s) {
        Optional<TapeEndpoint> endpoint = endpoints.forRse(s.tapeRse());
        if (endpoint.isEmpty()) {
            return Optional.empty();
        }
        try {
            return endpoint.get().findStageRequest(s.submitId());
        } catch (TapeEndpointException e) {
            log.warn("Campaign {}: cannot look for submission {} at {}: {}", campaignId, s.submitId(), s.tapeRse(),
                    e.getMessage());
            return Optional.empty();
        }
    }
}
