package org.stevedore.transfer.store;

/**
 * How many transfers towards one destination RSE may be in flight at once, for one activity or for all of them
 * together. A request is in flight from the moment the throttler releases it until its transfer ends.
 *
 * @param rse          the destination RSE's name
 * @param activity     the activity it applies to, or {@link #ALL_ACTIVITIES} for every transfer to the RSE together
 * @param maxTransfers at most this many requests in flight, or null for no such bound
 * @param maxBytes     at most this many bytes in flight, or null for no such bound (a single file larger than the
 *                     bound still goes, alone, so that it is never starved)
 */
public record TransferLimit(String rse, String activity, Long maxTransfers, Long maxBytes) {

    /** The activity of a limit on all transfers to an RSE together. */
    public static final String ALL_ACTIVITIES = "*";

    /** Whether the limit counts a request of {@code requestActivity}. */
    public boolean covers(String requestActivity) {
        return ALL_ACTIVITIES.equals(activity) || activity.equals(requestActivity);
    }
}
