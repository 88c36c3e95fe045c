package org.stevedore.tape.endpoint;

import java.time.Instant;
import java.util.List;

/** A stage request as the endpoint reports it; the times are null until they happen. */
public record StageRequestStatus(String id, Instant createdAt, Instant startedAt, Instant completedAt,
                                 List<StagedFile> files) {

    public StageRequestStatus {
        files = List.copyOf(files);
    }
}
