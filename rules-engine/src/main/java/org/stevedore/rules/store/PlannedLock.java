package org.stevedore.rules.store;

/**
 * One lock a rule evaluation decided on: a file on an RSE. {@code sourced} is false when no source replica
 * exists anywhere, so the lock is STUCK with {@code error}; otherwise the lock's state follows the replica on the
 * RSE at write time (OK if AVAILABLE, REPLICATING if being copied, a new COPYING replica and a QUEUED transfer
 * request if absent).
 *
 * @param path the replica path on a deterministic RSE (used when the replica is created)
 */
public record PlannedLock(String fileKey, String scope, String name, long bytes, String rseId, String rse, String path,
                          boolean sourced, String error) {
}
