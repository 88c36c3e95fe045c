package org.stevedore.tape.store;

/**
 * A campaign's life: RUNNING (expanding its inputs, then staging as the window allows), PAUSED (nothing new is
 * requested; requests already made go on), COMPLETED (every file staged or failed), CANCELLED (outstanding recalls
 * cancelled, the campaign's holds on its pins dropped), EXPIRED (its deadline passed first: outstanding recalls
 * cancelled, the files not staged failed with the deadline as reason; the staged ones keep their pins).
 */
public enum CampaignState {
    RUNNING, PAUSED, COMPLETED, CANCELLED, EXPIRED;

    public boolean finished() {
        return this == COMPLETED || this == CANCELLED || this == EXPIRED;
    }
}
