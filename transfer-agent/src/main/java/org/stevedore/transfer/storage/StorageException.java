package org.stevedore.transfer.storage;

import org.stevedore.grid.RemoteFailure;

/**
 * A storage operation failed. The two subclasses tell a caller whether to retry later ({@link TransientStorageException})
 * or to give up and record the reason ({@link FatalStorageException}).
 */
public abstract sealed class StorageException extends RemoteFailure
        permits TransientStorageException, FatalStorageException {

    private final String pfn;

    protected StorageException(String message, String pfn, int status, Throwable cause) {
        super(message, status, cause);
        this.pfn = pfn;
    }

    /** The PFN the operation was about. */
    public String pfn() {
        return pfn;
    }

    /**
     * Classifies an unexpected HTTP status: server errors, 408 and 429 may pass; anything else (403, 401, 409, ...)
     * will answer the same next time.
     */
    public static StorageException forStatus(String operation, String pfn, int status, String reason) {
        String message = operation + " " + pfn + " failed: HTTP " + status + (reason == null || reason.isBlank() ? "" : " " + reason);
        if (transientStatus(status)) {
            return new TransientStorageException(message, pfn, status, null);
        }
        return new FatalStorageException(message, pfn, status, null);
    }
}
