package org.stevedore.tape.campaign;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.stevedore.tape.emulator.TapeEmulator;
import org.stevedore.tape.endpoint.ArchiveInfo;
import org.stevedore.tape.endpoint.Locality;
import org.stevedore.tape.endpoint.StageFile;
import org.stevedore.tape.endpoint.StageRequestStatus;
import org.stevedore.tape.endpoint.TapeEndpoint;

/**
 * The embedded default's tape RSE: the emulator, whose cartridges are the files under the RSE's {@code file} protocol
 * prefix. Replica paths are relative to that prefix ({@code run8/ab/cd/f.raw}); the emulator knows them as absolute
 * paths under its root ({@code /run8/ab/cd/f.raw}). Files put there after start-up (uploads, transfers) become known
 * to the emulator when they are first asked for.
 */
public final class LocalTape implements TapeEndpoint {

    private final TapeEmulator emulator;
    private final Path root;
    private final Clock clock;
    private final Duration migrationDelay;
    private final Set<String> known = new HashSet<>();
    /** Files found written under the root and not yet migrated, with when they were first seen. */
    private final Map<String, Instant> written = new HashMap<>();

    /** Files found under the root count as on tape at once. */
    public LocalTape(TapeEmulator emulator, Path root) {
        this(emulator, root, Clock.systemUTC(), Duration.ZERO);
    }

    /**
     * @param migrationDelay how long a file written under the root (a transfer's copy) stays DISK only for
     *                       {@link #archiveInfo} before it counts as migrated to tape, from when archiveinfo first
     *                       saw it; the delay a tape system's migration puts between a write and its confirmation
     */
    public LocalTape(TapeEmulator emulator, Path root, Clock clock, Duration migrationDelay) {
        this.emulator = emulator;
        this.root = root;
        this.clock = clock;
        this.migrationDelay = migrationDelay;
    }

    public TapeEmulator emulator() {
        return emulator;
    }

    @Override
    public synchronized String stage(List<StageFile> files) {
        files.forEach(f -> learn(absolute(f.path())));
        return emulator.stage(files.stream().map(f -> new StageFile(absolute(f.path()), f.diskLifetime())).toList());
    }

    @Override
    public synchronized String stage(String submitId, List<StageFile> files) {
        files.forEach(f -> learn(absolute(f.path())));
        return emulator.stage(submitId, files.stream().map(f -> new StageFile(absolute(f.path()), f.diskLifetime()))
                .toList());
    }

    @Override
    public Optional<String> findStageRequest(String submitId) {
        return emulator.findStageRequest(submitId);
    }

    @Override
    public StageRequestStatus status(String requestId) {
        StageRequestStatus s = emulator.status(requestId);
        return new StageRequestStatus(s.id(), s.createdAt(), s.startedAt(), s.completedAt(), s.files().stream()
                .map(f -> new org.stevedore.tape.endpoint.StagedFile(relative(f.path()), f.onDisk(), f.state(), f.error()))
                .toList());
    }

    @Override
    public void cancel(String requestId, List<String> paths) {
        emulator.cancel(requestId, paths.stream().map(LocalTape::absolute).toList());
    }

    @Override
    public void release(String requestId, List<String> paths) {
        emulator.release(requestId, paths.stream().map(LocalTape::absolute).toList());
    }

    @Override
    public void forget(String requestId) {
        emulator.forget(requestId);
    }

    /**
     * A file the emulator does not know yet but that sits under the root was written there (a transfer's copy): it is
     * DISK only until the migration delay has passed since archiveinfo first saw it, then on tape for good.
     */
    @Override
    public synchronized List<ArchiveInfo> archiveInfo(List<String> paths) {
        Instant now = clock.instant();
        List<ArchiveInfo> answers = new ArrayList<>(paths.size());
        List<String> migrated = new ArrayList<>();
        for (ArchiveInfo a : emulator.archiveInfo(paths.stream().map(LocalTape::absolute).toList())) {
            String path = a.path();
            if (a.error() == null || a.locality() != Locality.NONE || !Files.isRegularFile(root.resolve(path.substring(1)))) {
                answers.add(new ArchiveInfo(relative(path), a.locality(), a.error()));
                continue;
            }
            Instant seen = written.computeIfAbsent(path, k -> now);
            if (now.isBefore(seen.plus(migrationDelay))) {
                answers.add(new ArchiveInfo(relative(path), Locality.DISK, null));
            } else {
                written.remove(path);
                learn(path);
                migrated.add(path);
            }
        }
        if (!migrated.isEmpty()) {
            emulator.archiveInfo(migrated).forEach(a -> answers.add(new ArchiveInfo(relative(a.path()), a.locality(),
                    a.error())));
        }
        return answers;
    }

    private void learn(String path) {
        if (!known.add(path)) {
            return;
        }
        Path file = root.resolve(path.substring(1));
        if (!Files.isRegularFile(file)) {
            known.remove(path);
            return;   // the emulator reports it missing, per file
        }
        try {
            emulator.register(path, Files.size(file));
        } catch (IllegalArgumentException alreadyOnTape) {
            // read from the tape root at start-up
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    private static String absolute(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }

    private static String relative(String path) {
        return path.startsWith("/") ? path.substring(1) : path;
    }
}
