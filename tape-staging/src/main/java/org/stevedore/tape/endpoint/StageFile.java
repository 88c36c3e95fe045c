package org.stevedore.tape.endpoint;

import java.time.Duration;
import java.util.Objects;

/**
 * One file of a stage request.
 *
 * @param path         the storage path
 * @param diskLifetime how long the staged copy should stay pinned on the disk buffer
 */
public record StageFile(String path, Duration diskLifetime) {

    public StageFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(diskLifetime, "diskLifetime");
        if (diskLifetime.isNegative()) {
            throw new IllegalArgumentException("diskLifetime must not be negative, got " + diskLifetime);
        }
    }
}
