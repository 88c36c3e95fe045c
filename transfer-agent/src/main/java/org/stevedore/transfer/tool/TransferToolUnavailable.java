package org.stevedore.transfer.tool;

import java.util.List;

/**
 * The tool could not be reached or was overloaded (connection errors, timeouts, 5xx such as FTS's 503 on a
 * database pool timeout) even after the bounded retries. Transient.
 */
public class TransferToolUnavailable extends TransferToolException {

    public TransferToolUnavailable(String message, Throwable cause) {
        this(message, cause, List.of());
    }

    public TransferToolUnavailable(String message, Throwable cause, List<SubmittedJob> alreadySubmitted) {
        super(message, cause, alreadySubmitted);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
