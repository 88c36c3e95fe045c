package org.stevedore.transfer.tool;

import java.util.List;
import org.stevedore.grid.RemoteFailure;

/** Base of what a {@link TransferTool} throws; {@link #isTransient()} tells the caller whether to try again later. */
public abstract class TransferToolException extends RemoteFailure {

    private final List<SubmittedJob> alreadySubmitted;

    protected TransferToolException(String message, Throwable cause, List<SubmittedJob> alreadySubmitted) {
        this(message, 0, cause, alreadySubmitted);
    }

    /** @param status the HTTP status the tool answered, or 0 when there was none */
    protected TransferToolException(String message, int status, Throwable cause, List<SubmittedJob> alreadySubmitted) {
        super(message, status, cause);
        this.alreadySubmitted = List.copyOf(alreadySubmitted);
    }

    /** For a failed bulk submission: the jobs submitted before the failure (the caller records them). */
    public List<SubmittedJob> alreadySubmitted() {
        return alreadySubmitted;
    }
}
