package org.stevedore.tape.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.tape.endpoint.ArchiveInfo;
import org.stevedore.tape.endpoint.Locality;
import org.stevedore.tape.endpoint.StageFile;
import org.stevedore.tape.endpoint.StageRequestStatus;
import org.stevedore.tape.endpoint.TapeEndpoint;
import org.stevedore.tape.endpoint.TapeEndpointException;

/**
 * An <b>emulator</b> of a tape library with a disk buffer, behind the same {@link TapeEndpoint} interface as the
 * WLCG Tape REST client, for the embedded default, tests and benchmarks. It is not a tape system: the production path
 * is a real one reached through {@code TapeRestClient}.
 *
 * <p>What it models: {@link TapeEmulatorSettings#drives() drives} that each hold one cartridge; a drive mounts a
 * cartridge (mount latency), then streams the queued files of that cartridge in path order (size / drive bandwidth
 * each, plus a positioning time unless the file directly follows the last one read), and keeps the cartridge until it
 * needs another. A cartridge with queued work goes to a
 * free drive oldest-queue first. Recalled files land in a bounded disk buffer and are pinned there for the
 * {@code diskLifetime} of each request that asked for them; a recall waits while the buffer is full of pinned files,
 * and unpinned files (released, or whose pins expired) are evicted least recently used first when space is needed.
 * Several requests for one file share one recall. Written files ({@link #write}) sit in the buffer until a drive has
 * migrated them to tape, which {@link #archiveInfo} reports.
 *
 * <p>Time: nothing happens on its own. Every call first plays the emulated library forward to the injected clock's
 * now, so a test moves a mutable clock and calls {@link #tick()} (or any method), a benchmark can jump from event to
 * event with {@link #nextEvent()}, and a service on the system clock gets real-time behaviour by calling
 * {@link #tick()} from a scheduler (or simply by polling). The clock must not go backwards; if it does, time stands
 * still until it catches up.
 *
 * <p>Bytes: an in-memory emulator ({@link #inMemory}) keeps only sizes. One on directories ({@link #onDirectories})
 * keeps cartridge content in one tree and the buffer in another: a recall copies the file into the buffer tree
 * ({@link #bufferFile}), eviction deletes it there, migration copies a written file into the tape tree.
 *
 * <p>Files the library does not know, lost files and files larger than the whole buffer fail within the request with
 * a reason, as a real endpoint reports per-file errors; requests the endpoint refuses (no files, a path twice, an
 * unknown request id, paths not in the request) raise a non-transient {@link TapeEndpointException} with status 400
 * or 404. Thread-safe: one lock guards everything.
 *
 * <p>This class holds the library's content and plays it forward; the stage requests, and the recalls their files
 * wait on, are kept by its {@link StageRequests}, under the same lock.
 */
public final class TapeEmulator implements TapeEndpoint {

    private static final Logger log = LoggerFactory.getLogger(TapeEmulator.class);

    private final TapeEmulatorSettings settings;
    private final Clock clock;
    private final TapeMedia media;
    private final DiskBuffer buffer;
    private final TapeDrives drives;
    private final Map<String, TapeFile> files = new HashMap<>();
    private final StageRequests requests;
    /** The callers' submission ids of the requests made under one, so a repeat finds the request made first. */
    private final Map<String, String> submitted = new HashMap<>();
    private Instant now;
    private int cartridges;
    private String fillingTape;
    private long fillingBytes;

    private TapeEmulator(TapeEmulatorSettings settings, Clock clock, TapeMedia media) {
        this.settings = settings;
        this.clock = clock;
        this.media = media;
        this.buffer = new DiskBuffer(settings.bufferCapacity());
        this.drives = new TapeDrives(settings, buffer, new TapeDrives.Outcomes() {
            @Override
            public void landed(TapeJob recall, Instant at) {
                TapeEmulator.this.landed(recall);
            }

            @Override
            public void migrated(TapeJob migration, Instant at) {
                TapeEmulator.this.migrated(migration);
            }

            @Override
            public void evicted(List<String> paths) {
                TapeEmulator.this.evicted(paths);
            }
        });
        this.requests = new StageRequests(files, buffer, drives, media);
        this.now = clock.instant();
    }

    /** An emulator that keeps sizes only; register the files it holds with {@link #register}. */
    public static TapeEmulator inMemory(TapeEmulatorSettings settings, Clock clock) {
        return new TapeEmulator(settings, clock, TapeMedia.none());
    }

    /**
     * An emulator whose cartridges hold the files under {@code tapeRoot} (read at creation, in path order, filling
     * cartridges in turn; a file {@code tapeRoot/a/b.raw} is the path {@code /a/b.raw}) and whose buffer is the
     * directory {@code bufferRoot}. Both are created if missing. The buffer starts empty: leftovers of an earlier run
     * under {@code bufferRoot} are not counted and may be overwritten.
     */
    public static TapeEmulator onDirectories(TapeEmulatorSettings settings, Clock clock, Path tapeRoot, Path bufferRoot) {
        TapeMedia.Directories directories = TapeMedia.directories(tapeRoot, bufferRoot);
        TapeEmulator emulator = new TapeEmulator(settings, clock, directories);
        try {
            for (TapeMedia.Directories.Found found : directories.scan()) {
                emulator.register(found.path(), found.size());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the emulated tape under " + tapeRoot, e);
        }
        return emulator;
    }

    // ---- the library's content -------------------------------------------------------------------------------------

    /** Puts a file on tape, on the cartridge being filled. */
    public synchronized void register(String path, long size) {
        register(path, nextCartridge(size), size);
    }

    /** Puts a file on tape on a named cartridge. */
    public synchronized void register(String path, String tape, long size) {
        requireNew(path, size);
        files.put(path, new TapeFile(path, size, tape, true));
        drives.placed(tape, path);
    }

    /**
     * Accepts a file written to the tape system (as after a transfer to a tape RSE): it sits in the buffer, DISK only,
     * until a drive migrates it to its cartridge. With directories, the bytes must already be in the buffer tree.
     *
     * @throws TapeEndpointException 507 (transient) when the buffer has no room for it
     */
    public synchronized void write(String path, long size) {
        requireNew(path, size);
        advance();
        Optional<List<String>> room = buffer.reserve(size);
        if (room.isEmpty()) {
            throw new TapeEndpointException("No room in the disk buffer for " + path + " (" + size + " bytes)", 507,
                    true, null);
        }
        evicted(room.get());
        TapeFile file = new TapeFile(path, size, nextCartridge(size), false);
        files.put(path, file);
        drives.placed(file.tape, path);
        buffer.land(path, size, false, now);
        drives.enqueue(new TapeJob(file, true), now);
        drives.dispatch(now);
    }

    /** {@link #write(String, long)} for a file already placed in the buffer tree of a directory emulator. */
    public synchronized void write(String path) {
        if (!(media instanceof TapeMedia.Directories directories)) {
            throw new IllegalStateException("Only an emulator on directories reads sizes from its buffer");
        }
        try {
            write(path, directories.bufferSize(path));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path + " in the buffer", e);
        }
    }

    /** Fault injection: the file's tape copy is gone (and its buffer copy dropped); recalls of it fail. */
    public synchronized void markLost(String path) {
        advance();
        TapeFile file = files.get(path);
        if (file == null) {
            throw new IllegalArgumentException("No such file: " + path);
        }
        file.lost = true;
        file.onTape = false;
        if (buffer.drop(path)) {
            evicted(List.of(path));
        }
        requests.lost(path, now);
        drives.dispatch(now);
    }

    // ---- time -----------------------------------------------------------------------------------------------------

    /** Plays the library forward to the clock's now. */
    public synchronized void tick() {
        advance();
    }

    /** When the next thing will happen (a drive finishing, a pin expiring), if anything is under way. */
    public synchronized Optional<Instant> nextEvent() {
        advance();
        return next();
    }

    // ---- observation ----------------------------------------------------------------------------------------------

    /** The staged copy in the buffer tree, for emulators on directories, once the file is on disk. */
    public synchronized Optional<Path> bufferFile(String path) {
        advance();
        return buffer.resident(path) ? media.bufferFile(path) : Optional.empty();
    }

    /** Whether any request still pins the file's buffer copy. */
    public synchronized boolean pinned(String path) {
        advance();
        return buffer.pinCount(path) > 0;
    }

    public synchronized long bufferUsedBytes() {
        advance();
        return buffer.used();
    }

    /** The most the buffer has ever held (resident plus reserved); never above its capacity. */
    public synchronized long bufferPeakBytes() {
        advance();
        return buffer.peak();
    }

    public TapeEmulatorSettings settings() {
        return settings;
    }

    // ---- TapeEndpoint ---------------------------------------------------------------------------------------------

    @Override
    public synchronized String stage(List<StageFile> stageFiles) {
        StageRequests.requireStageable(stageFiles);
        advance();
        String requestId = requests.stage(stageFiles, now);
        drives.dispatch(now);
        return requestId;
    }

    /** A repeat of a submission id answers the request made the first time, and asks for nothing again. */
    @Override
    public synchronized String stage(String submitId, List<StageFile> stageFiles) {
        String made = submitted.get(submitId);
        if (made != null) {
            return made;
        }
        String requestId = stage(stageFiles);
        submitted.put(submitId, requestId);
        return requestId;
    }

    @Override
    public synchronized Optional<String> findStageRequest(String submitId) {
        return Optional.ofNullable(submitted.get(submitId));
    }

    @Override
    public synchronized StageRequestStatus status(String requestId) {
        advance();
        return requests.status(requestId);
    }

    @Override
    public synchronized void cancel(String requestId, List<String> paths) {
        List<EmulatedRequest.Entry> entries = requests.entries(requestId, paths);
        advance();
        requests.cancel(entries, now);
        drives.dispatch(now);
    }

    /** Drops this request's pins; files of it still being recalled are cancelled first, so no pin appears later. */
    @Override
    public synchronized void release(String requestId, List<String> paths) {
        List<EmulatedRequest.Entry> entries = requests.entries(requestId, paths);
        advance();
        requests.release(requestId, entries, now);
        drives.dispatch(now);
    }

    @Override
    public synchronized void forget(String requestId) {
        List<String> paths = requests.paths(requestId);
        advance();
        release(requestId, paths);
        requests.forget(requestId);
    }

    /** Unknown paths answer {@link Locality#NONE} with an error, as a real endpoint answers per-file errors. */
    @Override
    public synchronized List<ArchiveInfo> archiveInfo(List<String> paths) {
        advance();
        List<ArchiveInfo> infos = new ArrayList<>(paths.size());
        for (String path : paths) {
            TapeFile file = files.get(path);
            if (file == null) {
                infos.add(new ArchiveInfo(path, Locality.NONE, "No such file: " + path));
                continue;
            }
            boolean onDisk = buffer.resident(path);
            Locality locality = file.lost ? Locality.LOST
                    : file.onTape && onDisk ? Locality.DISK_AND_TAPE
                    : file.onTape ? Locality.TAPE
                    : onDisk ? Locality.DISK
                    : Locality.NONE;
            infos.add(new ArchiveInfo(path, locality, null));
        }
        return infos;
    }

    // ---- the simulation -------------------------------------------------------------------------------------------

    private void advance() {
        Instant target = clock.instant();
        if (target.isBefore(now)) {
            target = now;
        }
        drives.dispatch(now);
        for (Optional<Instant> event = next(); event.isPresent() && !event.get().isAfter(target); event = next()) {
            now = event.get().isAfter(now) ? event.get() : now;
            buffer.expire(now);
            drives.finishDue(now);
            drives.dispatch(now);
        }
        now = target;
    }

    private Optional<Instant> next() {
        return Stream.of(drives.nextFinish(), buffer.nextExpiry()).flatMap(Optional::stream).min(Comparator.naturalOrder());
    }

    private void landed(TapeJob recall) {
        requests.landed(recall, now);
    }

    private void migrated(TapeJob migration) {
        TapeFile file = migration.file;
        try {
            media.archived(file.path);
        } catch (IOException | RuntimeException e) {
            // Left DISK only: archiveinfo keeps saying so, which is what archive monitoring must see.
            log.warn("Emulated tape: migration of {} failed: {}", file.path, e.getMessage());
            return;
        }
        file.onTape = true;
        buffer.markOnTape(file.path, now);
    }

    // ---- bookkeeping ----------------------------------------------------------------------------------------------

    private void evicted(List<String> paths) {
        for (String path : paths) {
            try {
                media.evicted(path);
            } catch (IOException | RuntimeException e) {
                log.warn("Emulated tape: could not delete the evicted buffer copy of {}: {}", path, e.getMessage());
            }
        }
    }

    private String nextCartridge(long size) {
        if (fillingTape == null || (fillingBytes > 0 && fillingBytes + size > settings.tapeCapacity())) {
            fillingTape = String.format("EMU%05d", ++cartridges);
            fillingBytes = 0;
        }
        fillingBytes += size;
        return fillingTape;
    }

    private void requireNew(String path, long size) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("A file needs a path");
        }
        if (size < 0) {
            throw new IllegalArgumentException("Size of " + path + " must not be negative, got " + size);
        }
        if (files.containsKey(path)) {
            throw new IllegalArgumentException("The emulated tape already holds " + path);
        }
    }
}
