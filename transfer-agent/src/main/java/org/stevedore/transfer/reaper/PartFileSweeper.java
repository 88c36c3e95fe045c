package org.stevedore.transfer.reaper;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.rse.RseProtocol;
import org.stevedore.transfer.local.LocalCopier;

/**
 * Removes the temporary files of local copies that never finished ({@code .stevedore-part}, left by a service killed
 * mid-copy: 12 after 6 kills) from under a posix RSE's prefix. Only files of that name, older than {@code minAge},
 * that no running copy of this process is writing ({@link LocalCopier#writing}), found by a walk that follows no
 * symbolic link and never leaves the prefix; nothing else is touched.
 */
public final class PartFileSweeper {

    private static final Logger log = LoggerFactory.getLogger(PartFileSweeper.class);

    private final Clock clock;
    private final Duration minAge;

    public PartFileSweeper(Clock clock, Duration minAge) {
        this.clock = clock;
        this.minAge = minAge;
    }

    /** Sweeps the RSE's prefix when it is a {@code file} protocol's; answers the files removed. */
    public int sweep(String rse, RseProtocol protocol) {
        if (protocol == null || !"file".equalsIgnoreCase(protocol.scheme()) || protocol.prefix() == null
                || protocol.prefix().isBlank()) {
            return 0;
        }
        Path prefix = Path.of(protocol.prefix()).toAbsolutePath().normalize();
        if (!Files.isDirectory(prefix, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        Instant cutoff = clock.instant().minus(minAge);
        int[] removed = {0};
        try {
            Files.walkFileTree(prefix, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && file.getFileName().toString().endsWith(LocalCopier.TEMPORARY_SUFFIX)
                            && file.normalize().startsWith(prefix)
                            && attrs.lastModifiedTime().toInstant().isBefore(cutoff) && !LocalCopier.writing(file)) {
                        try {
                            Files.deleteIfExists(file);
                            removed[0]++;
                        } catch (IOException e) {
                            log.warn("Orphaned partial copy {} on {} could not be removed: {}", file, rse,
                                    e.getMessage());
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("Sweeping {} for partial copies failed: {}", prefix, e.getMessage());
        }
        if (removed[0] > 0) {
            log.info("Removed {} orphaned partial copy file(s) ({}) under {} on {}", removed[0],
                    LocalCopier.TEMPORARY_SUFFIX, prefix, rse);
        }
        return removed[0];
    }
}
