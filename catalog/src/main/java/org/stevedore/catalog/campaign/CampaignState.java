package org.stevedore.catalog.campaign;

/**
 * A campaign's life: RUNNING (expanding its inputs, then staging as the window allows), PAUSED (nothing new is
 * requested; requests already made go on), COMPLETED (every file staged or failed), CANCELLED (outstanding recalls
 * cancelled, pins dropped).
 */
public enum CampaignState {
    RUNNING, PAUSED, COMPLETED, CANCELLED;

    public boolean finished() {
        return this == COMPLETED || this == CANCELLED;
    }
}
