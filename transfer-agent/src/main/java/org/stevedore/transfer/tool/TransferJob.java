package org.stevedore.transfer.tool;

import java.util.List;
import java.util.Objects;

/**
 * Files to move over one link (source RSE to destination RSE) in one submission.
 *
 * @param id             deterministic: the same requests submitted again must give the same id, and a different set
 *                       of files a different one, because the id is what makes resubmission idempotent
 * @param sourceRse      the RSE all sources live on
 * @param destinationRse the RSE all destinations live on
 * @param files          at least one file
 * @param staging        how to recall from tape when the source RSE is tape, or null for a disk source
 * @param verifyChecksum compare checksums of source, destination and the expected adler32
 * @param overwrite      replace an existing destination file; normally false, so a stray file fails loudly
 */
public record TransferJob(String id, String sourceRse, String destinationRse, List<TransferFile> files,
                          TapeStaging staging, boolean verifyChecksum, boolean overwrite) {

    public TransferJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sourceRse, "sourceRse");
        Objects.requireNonNull(destinationRse, "destinationRse");
        files = List.copyOf(files);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("transfer job " + id + " has no files");
        }
    }

    /** A job from a disk source with checksum verification and no overwrite, the usual case. */
    public static TransferJob fromDisk(String id, String sourceRse, String destinationRse, List<TransferFile> files) {
        return new TransferJob(id, sourceRse, destinationRse, files, null, true, false);
    }

    /** A job from a tape source with checksum verification and no overwrite. */
    public static TransferJob fromTape(String id, String sourceRse, String destinationRse, List<TransferFile> files,
                                       TapeStaging staging) {
        return new TransferJob(id, sourceRse, destinationRse, files, Objects.requireNonNull(staging, "staging"),
                true, false);
    }

    public boolean fromTapeSource() {
        return staging != null;
    }
}
