package org.stevedore.grid;

/**
 * A remote service refused or failed a call: a storage endpoint, a transfer tool, a tape endpoint. One shape for all of
 * them, so a caller decides the same way everywhere whether to try again later ({@link #isTransient()}) or to give up
 * and record the reason, and can log the status the service answered.
 */
public abstract class RemoteFailure extends RuntimeException {

    private final int status;

    /** @param status the HTTP status the service answered, or 0 when there was none */
    protected RemoteFailure(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status the service answered, or 0 when there was none (posix, connection failures, timeouts). */
    public int status() {
        return status;
    }

    /** True when the same call may succeed later unchanged (service down, overloaded, network). */
    public abstract boolean isTransient();

    /** Whether an unexpected HTTP status may pass on its own: server errors, 408 and 429. */
    public static boolean transientStatus(int status) {
        return status >= 500 || status == 408 || status == 429;
    }
}
