package org.stevedore.transfer.storage;

/**
 * A storage operation failed. The two subclasses tell a caller whether to retry later ({@link TransientStorageException})
 * or to give up and record the reason ({@link FatalStorageException}).
 */
public abstract sealed class StorageException extends RuntimeException
        permits TransientStorageException, FatalStorageException {

    private final String pfn;
    private final int status;

    protected StorageException(String message, String pfn, int status, Throwable cause) {
        super(message, cause);
        this.pfn = pfn;
        this.status = status;
    }

    /** The PFN the operation was about. */
    public String pfn() {
        return pfn;
    }

    /** The HTTP status the storage answered, or 0 when there was none (posix, connection failures). */
    public int status() {
        return status;
    }

    public abstract boolean isTransient();

    /**
     * Classifies an unexpected HTTP status: server errors, 408 and 429 may pass; anything else (403, 401, 409, ...)
     * will answer the same next time.
     */
    public static StorageException forStatus(String operation, String pfn, int status, String reason) {
        String message = operation + " " + pfn + " failed: HTTP " + status + (reason == null || reason.isBlank() ? "" : " " + reason);
        if (status >= 500 || status == 408 || status == 429) {
            return new TransientStorageException(message, pfn, status, null);
        }
        return new FatalStorageException(message, pfn, status, null);
    }
}
