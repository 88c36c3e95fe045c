package org.stevedore.tape.store;

/** A campaign file: PENDING until requested, REQUESTED with the stage request id, then STAGED or FAILED (with a reason). */
public enum CampaignFileState {
    PENDING, REQUESTED, STAGED, FAILED
}
