package org.stevedore.transfer.storage;

/**
 * What a storage says about one file.
 *
 * @param size    bytes
 * @param adler32 lower-case, 8 hex digits; null when the storage does not offer it (e.g. a WebDAV server without
 *                RFC 3230 {@code Want-Digest} support)
 */
public record StorageStat(long size, String adler32) {

    public StorageStat {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, not " + size);
        }
        adler32 = adler32 == null ? null : Adler32Checksum.normalize(adler32);
    }
}
