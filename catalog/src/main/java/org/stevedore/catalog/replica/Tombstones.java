package org.stevedore.catalog.replica;

/**
 * The two kinds of replica tombstone, as Rucio's reaper reads them. A tombstone is epoch milliseconds on the
 * {@code REPLICA} relationship; its kind is told by its value alone, so a store written before the kinds existed needs
 * no migration:
 * <ul>
 *   <li>{@link #OBSOLETE} (the epoch, Rucio's {@code OBSOLETE}): the replica is to go whatever the free space: a rule
 *       that purges its replicas, an erased or expired DID, a replica that never became available, an admin's
 *       deletion;</li>
 *   <li>any later instant (LRU): the replica may go from that instant on, but only when space is needed on its RSE
 *       (down to its {@code MinFreeSpace}, least recently accessed first) or when the RSE is greedy.</li>
 * </ul>
 * No tombstone at all means the replica is never deleted by the reaper.
 */
public final class Tombstones {

    /** The epoch: delete at once, whatever the free space. */
    public static final long OBSOLETE = 0L;

    private Tombstones() {
    }
}
