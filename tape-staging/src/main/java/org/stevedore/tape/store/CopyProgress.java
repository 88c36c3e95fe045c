package org.stevedore.tape.store;

import org.stevedore.tape.store.Campaign.Counts;

/**
 * How far a campaign's staged files have got towards its destination: attached to the target dataset, copied (the
 * target rule's lock on the file is OK: an AVAILABLE replica at the destination), stuck (the lock is STUCK: the copy
 * failed for good, for now), and left out (staged when no job of the bridge task needed it any more, or detached
 * since, so never copied for the campaign).
 */
public record CopyProgress(Counts attached, Counts copied, Counts stuck, Counts leftOut) {

    public static final CopyProgress NONE = new CopyProgress(Counts.ZERO, Counts.ZERO, Counts.ZERO, Counts.ZERO);
}
