package org.stevedore.transfer.storage;

import java.util.Optional;

/**
 * The operations the reaper and the replica checks need on one kind of storage, addressed by PFN (as built by
 * {@code Lfn2Pfn.pfn}). Implementations are thread-safe. Failures throw a {@link StorageException}:
 * {@link TransientStorageException} when trying again later may work, {@link FatalStorageException} when it will not.
 */
public interface StorageProtocol {

    /** Size and, where the storage offers it, adler32 of a file; empty when there is no such file. */
    Optional<StorageStat> stat(String pfn);

    /** Whether anything (file or directory/collection) exists at the PFN. */
    boolean exists(String pfn);

    /** Removes a file. A file that is not there counts as deleted: {@link Deletion#ALREADY_ABSENT}. */
    Deletion delete(String pfn);

    /** Creates the directory (collection) and any missing parents; an existing directory is fine. */
    void mkdirs(String directoryPfn);
}
