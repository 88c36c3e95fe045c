package org.stevedore.transfer.fts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value read from files that something else renews (a cron running {@code voms-proxy-init}, an OIDC agent), read
 * again when they change: at most once per {@code recheck}, the files' modification times and sizes are compared with
 * those last read, and a change loads them anew.
 *
 * <p>The first load happens in the constructor and its failure is thrown, so a bad path stops start-up. A later load
 * that fails (a renewal caught half-written) keeps the value that works and is logged once per change of the files;
 * the next change is tried again.
 *
 * @param <T> what the files hold
 */
final class RenewedFiles<T> implements Supplier<T> {

    private static final Logger log = LoggerFactory.getLogger(RenewedFiles.class);

    private final List<Path> files;
    private final Supplier<T> load;
    private final String what;
    private final Clock clock;
    private final Duration recheck;
    private T value;
    private List<Stamp> loaded;
    private List<Stamp> failed;
    private Instant nextCheck;

    private record Stamp(FileTime modified, long size) {
    }

    /**
     * @param files the files to watch (the same path once, even if {@code load} reads it twice)
     * @param load  reads them; throws IllegalArgumentException naming the problem when they hold nothing usable
     * @param what  names the value in log lines
     * @throws IllegalArgumentException when the files cannot be read now
     */
    RenewedFiles(List<Path> files, Supplier<T> load, String what, Clock clock, Duration recheck) {
        this.files = List.copyOf(files);
        this.load = load;
        this.what = what;
        this.clock = clock;
        this.recheck = recheck;
        this.loaded = stamps();
        this.value = load.get();
        this.nextCheck = clock.instant().plus(recheck);
    }

    @Override
    public synchronized T get() {
        Instant now = clock.instant();
        if (now.isBefore(nextCheck)) {
            return value;
        }
        nextCheck = now.plus(recheck);
        List<Stamp> stamps;
        try {
            stamps = stamps();
        } catch (IllegalArgumentException e) {
            log.warn("Cannot look at the {} files, keeping the one read last: {}", what, e.getMessage());
            return value;
        }
        if (stamps.equals(loaded) || stamps.equals(failed)) {
            return value;
        }
        try {
            T renewed = load.get();
            log.info("The {} was renewed from {}", what, files.get(0));
            value = renewed;
            loaded = stamps;
            failed = null;
        } catch (IllegalArgumentException e) {
            failed = stamps;
            log.warn("The {} files changed but could not be read, keeping the one read last: {}", what, e.getMessage());
        }
        return value;
    }

    private List<Stamp> stamps() {
        return files.stream().map(RenewedFiles::stamp).toList();
    }

    private static Stamp stamp(Path file) {
        try {
            return new Stamp(Files.getLastModifiedTime(file), Files.size(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
