package org.stevedore.transfer.tool;

import java.util.List;

/**
 * The tool refused the request as made (validation, banned storage, a conflicting destination). Fatal: the same
 * request will be refused again.
 */
public class TransferToolRejected extends TransferToolException {

    private final String transferJobId;

    /** @param status the tool's status code (HTTP for FTS) */
    public TransferToolRejected(String transferJobId, int status, String message, List<SubmittedJob> alreadySubmitted) {
        super(message, status, null, alreadySubmitted);
        this.transferJobId = transferJobId;
    }

    /** The {@link TransferJob#id()} that was refused, or null when the call was not a submission. */
    public String transferJobId() {
        return transferJobId;
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
