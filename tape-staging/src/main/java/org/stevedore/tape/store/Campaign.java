package org.stevedore.tape.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A campaign as stored, with its counters: {@code total} once its inputs are expanded, then how many files and bytes
 * were requested from tape, staged and failed (failures include files that had no tape replica). {@code target} is
 * where staged files go on to (null: they stay in the tape RSE's own buffer).
 */
public record Campaign(String id, String account, CampaignState state, List<String> inputs,
                       String destinationExpression, Duration pinLifetime, long windowFiles, long windowBytes,
                       int priority, Instant deadline, boolean expanded, Counts total, Counts requested, Counts staged,
                       Counts failed, String error, Instant createdAt, Instant updatedAt, Instant completedAt,
                       CampaignTarget target) {

    /** Files and bytes. */
    public record Counts(long files, long bytes) {
        public static final Counts ZERO = new Counts(0, 0);
    }

    public Campaign {
        inputs = List.copyOf(inputs);
    }

    /** Files neither staged nor failed yet. */
    public long remainingFiles() {
        return Math.max(0, total.files() - staged.files() - failed.files());
    }

    public long remainingBytes() {
        return Math.max(0, total.bytes() - staged.bytes() - failed.bytes());
    }
}
