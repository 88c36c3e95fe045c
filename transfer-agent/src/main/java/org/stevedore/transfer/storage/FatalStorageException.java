package org.stevedore.transfer.storage;

/** A failure that retrying will not fix: permission denied, malformed PFN, a file where a directory should be. */
public final class FatalStorageException extends StorageException {

    public FatalStorageException(String message, String pfn, int status, Throwable cause) {
        super(message, pfn, status, cause);
    }

    public FatalStorageException(String message, String pfn) {
        this(message, pfn, 0, null);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
