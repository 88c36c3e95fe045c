package org.stevedore.transfer.storage;

/**
 * The outcome of a delete that succeeded. Both mean the file is gone, which is what the reaper needs before it
 * removes the catalog row; they are told apart so that a storage losing files can be noticed.
 */
public enum Deletion {
    /** The storage removed the file now. */
    DELETED,
    /** The file was not there (already deleted, or lost): counted as deleted. */
    ALREADY_ABSENT
}
