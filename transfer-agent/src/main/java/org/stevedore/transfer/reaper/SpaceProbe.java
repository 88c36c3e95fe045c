package org.stevedore.transfer.reaper;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.stevedore.catalog.rse.RseProtocol;

/**
 * Measures an RSE's used and free space on the storage itself, so that an RSE with a {@code MinFreeSpace} limit needs
 * no usage reported by anyone, and the reaper decides on a figure taken just before it deletes (a figure reported
 * once went stale and made it delete six times what was needed).
 */
@FunctionalInterface
public interface SpaceProbe {

    /** Used and free bytes of the file system an RSE's prefix lives on. */
    record Measured(long used, long free) {
    }

    /** Measures nothing: the RSE's reported usage is what the reaper goes by. */
    SpaceProbe NONE = protocol -> null;

    /**
     * Posix RSEs ({@code file} protocol): the file system of the prefix directory (or of its nearest existing
     * ancestor, before the first file arrived), through {@link FileStore}: free is the space usable by this process,
     * used what the file system holds beyond it.
     */
    SpaceProbe POSIX = protocol -> {
        if (protocol == null || !"file".equalsIgnoreCase(protocol.scheme()) || protocol.prefix() == null
                || protocol.prefix().isBlank()) {
            return null;
        }
        Path dir = Path.of(protocol.prefix()).toAbsolutePath();
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir == null) {
            return null;
        }
        try {
            FileStore fs = Files.getFileStore(dir);
            long total = fs.getTotalSpace();
            long free = fs.getUsableSpace();
            return new Measured(Math.max(0, total - free), free);
        } catch (IOException | SecurityException e) {
            return null;
        }
    };

    /** The RSE's space now, or null when this probe cannot measure it. */
    Measured measure(RseProtocol protocol);
}
