package org.stevedore.transfer.tool;

import java.time.Duration;

/**
 * How a job whose source is on tape asks for the files to be brought online first.
 *
 * @param bringOnline     how long the tool may wait for the recall; keep it generous (days), busy tape systems
 *                        are slow and a short value fails transfers that would have succeeded
 * @param copyPinLifetime how long the recalled copy stays pinned on the source's disk buffer
 */
public record TapeStaging(Duration bringOnline, Duration copyPinLifetime) {

    public TapeStaging {
        if (bringOnline.isNegative() || bringOnline.isZero()) {
            throw new IllegalArgumentException("bringOnline must be positive, got " + bringOnline);
        }
        if (copyPinLifetime.isNegative()) {
            throw new IllegalArgumentException("copyPinLifetime must not be negative, got " + copyPinLifetime);
        }
    }
}
