package org.stevedore.tape.endpoint;

/** A tape endpoint refused or failed a call. */
public class TapeEndpointException extends RuntimeException {

    private final int status;
    private final boolean transientFailure;

    /**
     * @param status           the HTTP status, or 0 when there was no answer (connection error, timeout)
     * @param transientFailure whether trying again later can succeed
     */
    public TapeEndpointException(String message, int status, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.transientFailure = transientFailure;
    }

    public int status() {
        return status;
    }

    public boolean transientFailure() {
        return transientFailure;
    }
}
