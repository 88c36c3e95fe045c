package org.stevedore.transfer.tool;

import java.util.List;
import java.util.Objects;

/**
 * A job the tool has accepted.
 *
 * @param jobId         the tool's id, to poll, cancel or reprioritise
 * @param externalHost  which tool instance holds the job (the FTS endpoint), so a poller asks the right server
 * @param transferJobId the {@link TransferJob#id()} it came from
 * @param requestIds    the files of that transfer job carried by this tool job (a large job may be split)
 */
public record SubmittedJob(String jobId, String externalHost, String transferJobId, List<String> requestIds) {

    public SubmittedJob {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(externalHost, "externalHost");
        Objects.requireNonNull(transferJobId, "transferJobId");
        requestIds = List.copyOf(requestIds);
    }
}
