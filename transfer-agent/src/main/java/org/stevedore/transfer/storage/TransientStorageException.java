package org.stevedore.transfer.storage;

/** A failure that may go away: server errors, timeouts, refused or reset connections, local I/O errors. */
public final class TransientStorageException extends StorageException {

    public TransientStorageException(String message, String pfn, int status, Throwable cause) {
        super(message, pfn, status, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
