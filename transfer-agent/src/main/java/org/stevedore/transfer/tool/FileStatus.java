package org.stevedore.transfer.tool;

import java.util.Objects;

/**
 * One file of a polled job.
 *
 * @param requestId   the {@link TransferFile#requestId()} it was submitted with, or null when the tool lost it
 * @param state       its state
 * @param reason      the tool's explanation of a failure, or empty
 * @param source      the source URL the tool used (or is trying)
 * @param destination the destination URL
 */
public record FileStatus(String requestId, FileState state, String reason, String source, String destination) {

    public FileStatus {
        Objects.requireNonNull(state, "state");
        reason = reason == null ? "" : reason;
    }
}
