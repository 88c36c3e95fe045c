package org.stevedore.tape.endpoint;

import org.stevedore.grid.RemoteFailure;

/** A tape endpoint refused or failed a call. */
public class TapeEndpointException extends RemoteFailure {

    private final boolean transientFailure;

    /**
     * @param status           the HTTP status, or 0 when there was no answer (connection error, timeout)
     * @param transientFailure whether trying again later can succeed
     */
    public TapeEndpointException(String message, int status, boolean transientFailure, Throwable cause) {
        super(message, status, cause);
        this.transientFailure = transientFailure;
    }

    @Override
    public boolean isTransient() {
        return transientFailure;
    }
}
