package org.stevedore.tape.campaign;

import java.time.Duration;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.CopyProgress;

/**
 * A campaign with its measured staging rate (over the last rate window, or since it started when younger) and the
 * time left at that rate; {@code eta} is null while nothing has been staged recently, zero once nothing is left.
 * {@code copies} is how far the staged files got towards the destination (null when they stay in the tape buffer).
 */
public record CampaignProgress(Campaign campaign, double filesPerSecond, double bytesPerSecond, Duration eta,
                               CopyProgress copies) {
}
