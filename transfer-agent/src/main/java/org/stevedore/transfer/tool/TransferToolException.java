package org.stevedore.transfer.tool;

import java.util.List;

/** Base of what a {@link TransferTool} throws; {@link #isTransient()} tells the caller whether to try again later. */
public abstract class TransferToolException extends RuntimeException {

    private final List<SubmittedJob> alreadySubmitted;

    protected TransferToolException(String message, Throwable cause, List<SubmittedJob> alreadySubmitted) {
        super(message, cause);
        this.alreadySubmitted = List.copyOf(alreadySubmitted);
    }

    /** True when the same call may succeed later unchanged (tool down, overloaded, network). */
    public abstract boolean isTransient();

    /** For a failed bulk submission: the jobs submitted before the failure (the caller records them). */
    public List<SubmittedJob> alreadySubmitted() {
        return alreadySubmitted;
    }
}
