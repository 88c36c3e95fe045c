package org.stevedore.catalog.error;

/** A replica whose size or checksum disagrees with the file's. */
public class FileConsistencyMismatch extends StevedoreException {
    public FileConsistencyMismatch(String message) {
        super(Kind.CONFLICT, message);
    }
}
