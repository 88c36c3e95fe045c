package org.stevedore.catalog.error;

/**
 * Base of every refusal the service reports to a client. The web layer maps {@link #kind()} to an HTTP status
 * and reports {@link #exceptionClass()} as Rucio's {@code ExceptionClass}, which stock clients map to their own
 * exception types, so the class names follow Rucio's.
 */
public abstract class StevedoreException extends RuntimeException {

    /** What kind of refusal this is; the web layer turns it into a status code. */
    public enum Kind { INVALID, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, TOO_LARGE, UNAVAILABLE }

    private final Kind kind;

    protected StevedoreException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    protected StevedoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** Rucio's name for this error; by default the simple class name. */
    public String exceptionClass() {
        return getClass().getSimpleName();
    }
}
