package org.stevedore.transfer.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.transfer.storage.Adler32Checksum;

/**
 * The second stage of a local copy: takes a temporary file whose bytes are written and verified, makes its data
 * durable (fsync), links it to its final name, makes that name durable (a directory fsync shared through
 * {@link DirectorySync}) and only then reports the copy DONE.
 *
 * <p>Why a stage of its own: an fsync mostly waits for the disk, and fsyncs that run at the same time share the
 * file system's journal commits, while fsyncs issued one after the other by a few copy threads each pay a commit and
 * keep those threads from copying. So the copy threads hand a written file over and take the next one, and up to
 * {@code fsyncs} files are made durable at once here. A window bounds how many copies may be started and not yet
 * placed (written bytes waiting for their fsync are dirty pages in memory): a copy thread that finds it full waits
 * in {@link #reserve()}.
 */
final class Placer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Placer.class);

    /** What one file fsync does; a seam for tests. */
    interface Forcer {
        void force(FileChannel channel) throws IOException;
    }

    /**
     * A temporary file holding the verified bytes of a copy, still open for its fsync.
     *
     * @param channel the temporary file, open for writing; closed by the placer
     */
    record Written(CopyRequest request, FileChannel channel, Path temporary, Path destination, long bytes,
                   String adler32) {
        Written {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(temporary, "temporary");
            Objects.requireNonNull(destination, "destination");
            Objects.requireNonNull(adler32, "adler32");
        }
    }

    private final ThreadPoolExecutor pool;
    private final Semaphore window;
    private final DirectorySync directories;
    private final Forcer forcer;

    /**
     * @param fsyncs      files made durable at once
     * @param window      copies started and not yet placed, at most
     * @param forcer      the file fsync
     * @param directories the shared directory fsyncs
     */
    Placer(int fsyncs, int window, Forcer forcer, DirectorySync directories) {
        if (fsyncs < 1) {
            throw new IllegalArgumentException("fsyncs must be >= 1, not " + fsyncs);
        }
        if (window < fsyncs) {
            throw new IllegalArgumentException("window must be >= fsyncs (" + fsyncs + "), not " + window);
        }
        this.pool = new ThreadPoolExecutor(fsyncs, fsyncs, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                LocalCopier.daemonThreads("local-copy-fsync-"));
        this.window = new Semaphore(window);
        this.forcer = Objects.requireNonNull(forcer);
        this.directories = Objects.requireNonNull(directories);
    }

    /** Takes a place in the window for a copy about to start; waits while the window is full. */
    void reserve() throws InterruptedException {
        window.acquire();
    }

    /** Gives back the place of a copy that ended without reaching {@link #place}. */
    void release() {
        window.release();
    }

    /**
     * Makes the written file durable under its final name, on a placer thread; the future completes (never
     * exceptionally) once the copy is durable or has failed. Gives back the copy's place in the window when done.
     */
    CompletableFuture<CopyResult> place(Written written) {
        CompletableFuture<CopyResult> result = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                try {
                    result.complete(placeNow(written));
                } catch (RuntimeException | Error e) {
                    result.complete(failed(written.request(), "placing the copy failed: " + e));
                    if (e instanceof Error error) {
                        throw error;
                    }
                } finally {
                    window.release();
                }
            });
        } catch (RejectedExecutionException e) {
            closeQuietly(written.channel());
            deleteQuietly(written.temporary());
            window.release();
            result.complete(failed(written.request(), "local copier is closed"));
        }
        return result;
    }

    /** Placements already handed over are finished (their bytes are written; only the fsyncs remain). */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(5, TimeUnit.MINUTES)) {
                log.warn("Local copies still being placed 5 minutes after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CopyResult placeNow(Written w) {
        CopyRequest request = w.request();
        try {
            try (FileChannel channel = w.channel()) {
                // Durable before it gets its name: after a crash the final name holds the whole file or nothing.
                forcer.force(channel);
            }
            if (request.overwrite()) {
                // Recovery: rename replaces the corrupt file at once; readers see the old file or the new, whole.
                Files.move(w.temporary(), w.destination(), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } else if (!link(w.temporary(), w.destination())) {
                return alreadyThere(request, w.destination());
            }
            directories.sync(w.destination().getParent());
            log.info("Copied {} -> {} ({} bytes, adler32 {}) for {}", request.sourcePfn(), request.destinationPfn(),
                    w.bytes(), w.adler32(), request.id());
            return CopyResult.done(request, w.bytes(), w.adler32());
        } catch (IOException | RuntimeException e) {
            return failed(request, "copy failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(request, "interrupted before the copy was durable");
        } finally {
            closeQuietly(w.channel());
            deleteQuietly(w.temporary());
        }
    }

    /**
     * Gives the temporary file its final name without ever replacing an existing file. A hard link fails atomically
     * when the name is taken (rename would silently replace it). Where the file system has no hard links, fall back
     * to an atomic rename after a check; the window between the two is accepted there.
     *
     * @return false when the destination appeared in the meantime
     */
    private static boolean link(Path temporary, Path destination) throws IOException {
        try {
            Files.createLink(destination, temporary);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | IOException e) {
            if (Files.exists(destination)) {
                return false;
            }
            Files.move(temporary, destination, StandardCopyOption.ATOMIC_MOVE);
            return true;
        }
    }

    /** Whether the regular file at {@code destination} has the expected size and adler32. */
    static boolean holdsExpected(CopyRequest request, Path destination) throws IOException {
        return Files.size(destination) == request.expectedBytes()
                && request.expectedAdler32().equals(Adler32Checksum.of(destination));
    }

    /** The destination existed: DONE when it is the same file, FAILED (and untouched) when it is not. */
    static CopyResult alreadyThere(CopyRequest request, Path destination) throws IOException {
        if (!Files.isRegularFile(destination)) {
            return failed(request, "destination " + request.destinationPfn() + " exists and is not a file");
        }
        long size = Files.size(destination);
        String adler32 = size == request.expectedBytes() ? Adler32Checksum.of(destination) : null;
        if (size == request.expectedBytes() && request.expectedAdler32().equals(adler32)) {
            log.info("{} already holds the expected file for {}; not copied again", request.destinationPfn(), request.id());
            return CopyResult.done(request, size, adler32);
        }
        return failed(request, "destination " + request.destinationPfn() + " exists with different content ("
                + size + " bytes" + (adler32 == null ? "" : ", adler32 " + adler32) + "); not overwritten");
    }

    static CopyResult failed(CopyRequest request, String reason) {
        log.warn("Copy {} -> {} failed for {}: {}", request.sourcePfn(), request.destinationPfn(), request.id(), reason);
        return CopyResult.failed(request, reason);
    }

    static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("Cannot close a temporary file: {}", e.toString());
        }
    }

    static void deleteQuietly(Path temporary) {
        try {
            Files.deleteIfExists(temporary);
        } catch (NoSuchFileException e) {
            // gone already
        } catch (IOException e) {
            log.warn("Cannot remove temporary file {}: {}", temporary, e.toString());
        }
    }
}
