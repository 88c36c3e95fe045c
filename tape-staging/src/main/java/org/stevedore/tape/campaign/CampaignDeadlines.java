package org.stevedore.tape.campaign;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.tape.store.CampaignStore;

/**
 * Enforces campaign deadlines that no running job enforces: a PAUSED campaign, a RUNNING one whose job is not running
 * in any process (its process died, it waits to be resumed), and EXPIRED ones whose clean-up was cut short. A running
 * job ends its own campaign at the deadline (see the staging step's reader); this worker is the backstop. Campaigns
 * are split between workers by the hash of their id.
 */
public final class CampaignDeadlines implements Worker {

    public static final String EXECUTABLE = "campaign-deadlines";
    private static final Logger log = LoggerFactory.getLogger(CampaignDeadlines.class);

    private final CampaignStore campaigns;
    private final CampaignService service;
    private final int batchSize;

    public CampaignDeadlines(CampaignStore campaigns, CampaignService service, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.campaigns = campaigns;
        this.service = service;
        this.batchSize = batchSize;
    }

    @Override
    public String executable() {
        return EXECUTABLE;
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        int done = 0;
        for (String id : campaigns.pastDeadline(batchSize)) {
            if (!partition.owns(id)) {
                continue;
            }
            try {
                if (service.expireIfDue(id)) {
                    done++;
                }
            } catch (RuntimeException e) {
                log.warn("Campaign {}: enforcing its deadline failed, tried again next cycle: {}", id, e.toString());
            }
        }
        return WorkResult.of(done);
    }
}
