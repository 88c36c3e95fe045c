package org.stevedore.tape.campaign;

import java.util.List;
import org.stevedore.tape.store.CampaignFile;

/**
 * Hears of a campaign's files that the tape endpoint reports on disk. Called by the {@link StageTracker} before it
 * settles them STAGED: a failure leaves them REQUESTED, so the next poll reports them again, and a crash between the
 * call and the settle repeats the call. Listeners must so be idempotent.
 */
@FunctionalInterface
public interface StagedListener {

    /** @param files the files about to be settled STAGED (with their tape RSE, path and stage request id) */
    void staged(String campaignId, List<CampaignFile> files);
}
