package org.stevedore.tape.campaign;

import java.time.Duration;

/**
 * How campaigns run.
 *
 * @param maxFilesPerRequest files per stage request at most (FTS sends 200 per bulk request)
 * @param pollInterval       how often outstanding stage requests are polled, and how long a campaign waits when its
 *                           window is full
 * @param rateWindow         the span over which the current staging rate (and so the ETA) is measured
 * @param expansionBatch     files written per store transaction while expanding the inputs
 */
public record CampaignSettings(int maxFilesPerRequest, Duration pollInterval, Duration rateWindow, int expansionBatch) {

    public CampaignSettings {
        if (maxFilesPerRequest < 1) {
            throw new IllegalArgumentException("max files per stage request must be at least 1, got " + maxFilesPerRequest);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive, got " + pollInterval);
        }
        if (rateWindow.isNegative() || rateWindow.isZero()) {
            throw new IllegalArgumentException("rate window must be positive, got " + rateWindow);
        }
        if (expansionBatch < 1) {
            throw new IllegalArgumentException("expansion batch must be at least 1, got " + expansionBatch);
        }
    }

    public static CampaignSettings defaults() {
        return new CampaignSettings(200, Duration.ofSeconds(5), Duration.ofMinutes(5), 5_000);
    }
}
