package org.stevedore.transfer.local;

import java.util.Objects;
import org.stevedore.transfer.storage.Adler32Checksum;

/**
 * One file to copy between {@code file} PFNs.
 *
 * @param id              the caller's key for the result (e.g. the transfer request id)
 * @param sourcePfn       {@code file:///...} of an existing file
 * @param destinationPfn  {@code file:///...}; missing parent directories are created
 * @param expectedBytes   the catalog's size of the file
 * @param expectedAdler32 the catalog's adler32; the copy is only placed when the bytes written match it
 * @param overwrite       a different file at the destination is replaced (atomically, by renaming the verified
 *                        temporary file over it) instead of failing the copy: for the recovery of a bad replica,
 *                        whose corrupt bytes lie at the very path it is copied to
 */
public record CopyRequest(String id, String sourcePfn, String destinationPfn, long expectedBytes, String expectedAdler32,
                          boolean overwrite) {

    /** An ordinary copy: an existing different file at the destination fails it, untouched. */
    public CopyRequest(String id, String sourcePfn, String destinationPfn, long expectedBytes, String expectedAdler32) {
        this(id, sourcePfn, destinationPfn, expectedBytes, expectedAdler32, false);
    }

    public CopyRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sourcePfn, "sourcePfn");
        Objects.requireNonNull(destinationPfn, "destinationPfn");
        Objects.requireNonNull(expectedAdler32, "expectedAdler32: the local copier never places an unverified copy");
        if (expectedBytes < 0) {
            throw new IllegalArgumentException("expectedBytes must be >= 0, not " + expectedBytes);
        }
        expectedAdler32 = Adler32Checksum.normalize(expectedAdler32);
    }
}
