package org.stevedore.tape.store;

/**
 * A campaign file: PENDING until requested; SUBMITTING once the campaign has recorded that it is about to ask for it
 * (under its own submission id, before the stage call, so a crash during the call loses nothing); REQUESTED with the
 * endpoint's stage request id; JOINED instead of all these while another campaign already stages it (see
 * {@link CampaignJoins}); then STAGED or FAILED (with a reason).
 */
public enum CampaignFileState {
    PENDING, SUBMITTING, REQUESTED, JOINED, STAGED, FAILED
}
