package org.stevedore.transfer.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.transfer.storage.Adler32Checksum;
import org.stevedore.transfer.storage.FilePfn;
import org.stevedore.transfer.storage.StorageException;

/**
 * Copies files between {@code file} PFNs in-process, at most {@code parallelism} at a time.
 *
 * <p>A copy is written to a hidden temporary name in the destination directory, checked against the expected size
 * and adler32 (taken over the very bytes written, while writing), fsynced, and only then linked to its final name;
 * the copy is reported only once that name is durable too. A reader therefore never sees a partial or wrong file
 * under the final name, and an existing destination is never replaced: if it holds the expected content the copy
 * counts as DONE (a retried request whose first attempt landed), otherwise it FAILS and the file is left alone.
 *
 * <p>Two stages: {@code parallelism} copy threads read, checksum and write (bypassing the page cache where the file
 * system allows it, see {@link CopyWriter}); the {@link Placer} then fsyncs up to
 * {@code fsyncs} written files at once (so that their fsyncs share journal commits), links them and fsyncs their
 * directories together ({@link DirectorySync}). A copy thread does not wait for fsyncs; at most
 * {@code parallelism + fsyncs} copies are started and not yet durable, which bounds the dirty memory.
 */
public final class LocalCopier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalCopier.class);
    /** The ending of a copy's temporary name; the reaper removes orphaned ones ({@code PartFileSweeper}). */
    public static final String TEMPORARY_SUFFIX = ".stevedore-part";
    /** Temporary files that copies of this process are writing or placing: never an orphan to sweep. */
    private static final Set<Path> WRITING = ConcurrentHashMap.newKeySet();
    /**
     * Files made durable at once by default. fsync threads mostly wait; on ext4 (virtio disk, 2 cores) 8 to 16
     * concurrent fsyncs of written files took about a third of the time of the same fsyncs one after the other.
     */
    public static final int DEFAULT_FSYNCS = 16;

    private final ThreadPoolExecutor pool;
    private final Placer placer;
    private final Consumer<CopyRequest> beforeCopy;
    private final CopyWriter writer;

    public LocalCopier(int parallelism) {
        this(parallelism, DEFAULT_FSYNCS);
    }

    /**
     * @param parallelism copies reading and writing at a time
     * @param fsyncs      written copies made durable at a time
     */
    public LocalCopier(int parallelism, int fsyncs) {
        this(parallelism, fsyncs, request -> { }, channel -> channel.force(true), true);
    }

    /**
     * Test seams: {@code beforeCopy} runs on the copy thread as each copy starts (once it has its place in the
     * window); {@code forcer} is the file fsync; {@code directWrites} false writes through the page cache always.
     */
    LocalCopier(int parallelism, int fsyncs, Consumer<CopyRequest> beforeCopy, Placer.Forcer forcer,
                boolean directWrites) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, not " + parallelism);
        }
        // The placer checks fsyncs; made first, so a refused value leaves no copy pool behind.
        this.placer = new Placer(fsyncs, parallelism + fsyncs, forcer, new DirectorySync());
        this.pool = new ThreadPoolExecutor(parallelism, parallelism, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), daemonThreads("local-copy-"));
        this.beforeCopy = Objects.requireNonNull(beforeCopy);
        this.writer = new CopyWriter(directWrites);
    }

    /** Copies every file and waits for all of them; results are in the order of the requests. */
    public List<CopyResult> copy(List<CopyRequest> requests) {
        List<CompletableFuture<CopyResult>> pending = new ArrayList<>(requests.size());
        for (CopyRequest request : requests) {
            pending.add(copyAsync(request));
        }
        return pending.stream().map(CompletableFuture::join).toList();
    }

    /**
     * Queues one copy. The future completes with a result, FAILED included, rather than exceptionally, so a bulk
     * caller gets one result per file.
     */
    public CompletableFuture<CopyResult> copyAsync(CopyRequest request) {
        Task task = new Task(request, new CompletableFuture<>());
        try {
            pool.execute(task);
        } catch (RejectedExecutionException e) {
            task.result().complete(CopyResult.failed(request, "local copier is closed"));
        }
        return task.result();
    }

    /**
     * Running copies finish, written ones are placed (an interrupted copy would only leave work to redo); queued
     * ones complete as FAILED so that nobody waits for them forever.
     */
    @Override
    public void close() {
        pool.shutdown();
        List<Runnable> queued = new ArrayList<>();
        pool.getQueue().drainTo(queued);
        for (Runnable runnable : queued) {
            Task task = (Task) runnable;
            task.result().complete(CopyResult.failed(task.request(), "local copier closed before the copy started"));
        }
        try {
            if (!pool.awaitTermination(5, TimeUnit.MINUTES)) {
                log.warn("Local copies still running 5 minutes after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        placer.close();
    }

    /**
     * The copy thread's part: checks, then writes and verifies the temporary file and hands it to the placer. The
     * future completes when the copy is durable or has failed; the copy's place in the window is given back by then.
     */
    private CompletableFuture<CopyResult> copyOne(CopyRequest request) {
        Path source;
        Path destination;
        try {
            source = FilePfn.toPath(request.sourcePfn());
            destination = FilePfn.toPath(request.destinationPfn());
        } catch (StorageException e) {
            return finished(Placer.failed(request, e.getMessage()));
        }
        if (!Files.isRegularFile(source)) {
            return finished(Placer.failed(request, "source " + request.sourcePfn() + " is not a file or does not exist"));
        }
        Path temporary = null;
        FileChannel out = null;
        try {
            if (Files.exists(destination, LinkOption.NOFOLLOW_LINKS)) {
                // Overwriting: a different regular file is replaced by the placer once the new bytes are verified;
                // never a directory, a link or anything else.
                if (!request.overwrite() || !Files.isRegularFile(destination, LinkOption.NOFOLLOW_LINKS)
                        || Placer.holdsExpected(request, destination)) {
                    return finished(Placer.alreadyThere(request, destination));
                }
                log.info("{} holds a different file; replacing it for {}", request.destinationPfn(), request.id());
            }
            Files.createDirectories(destination.getParent());
            temporary = destination.resolveSibling("." + destination.getFileName() + "." + UUID.randomUUID() + TEMPORARY_SUFFIX);
            WRITING.add(temporary.toAbsolutePath().normalize());
            CopyWriter.Result written = writer.write(source, temporary);
            out = written.channel();
            long bytes = written.bytes();
            String adler32 = Adler32Checksum.format(written.adler32());
            if (bytes != request.expectedBytes()) {
                return finished(Placer.failed(request, "size mismatch: expected " + request.expectedBytes()
                        + " bytes, copied " + bytes));
            }
            if (!adler32.equals(request.expectedAdler32())) {
                return finished(Placer.failed(request, "checksum mismatch: expected adler32 "
                        + request.expectedAdler32() + ", copied " + adler32));
            }
            CompletableFuture<CopyResult> placed =
                    placer.place(new Placer.Written(request, out, temporary, destination, bytes, adler32));
            // The placer owns the temporary file from here on.
            Path placing = temporary.toAbsolutePath().normalize();
            out = null;
            temporary = null;
            return placed.whenComplete((result, error) -> WRITING.remove(placing));
        } catch (IOException | RuntimeException e) {
            return finished(Placer.failed(request, "copy failed: " + e));
        } finally {
            if (out != null) {
                Placer.closeQuietly(out);
            }
            if (temporary != null) {
                Placer.deleteQuietly(temporary);
                WRITING.remove(temporary.toAbsolutePath().normalize());
            }
        }
    }

    /** Whether a copy of this process is writing or placing this temporary file. */
    public static boolean writing(Path temporary) {
        return WRITING.contains(temporary.toAbsolutePath().normalize());
    }

    private CompletableFuture<CopyResult> finished(CopyResult result) {
        placer.release();
        return CompletableFuture.completedFuture(result);
    }

    /** Daemon threads named {@code prefix1}, {@code prefix2}, ...: the copy threads and the placer's. */
    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private final class Task implements Runnable {
        private final CopyRequest request;
        private final CompletableFuture<CopyResult> result;

        Task(CopyRequest request, CompletableFuture<CopyResult> result) {
            this.request = request;
            this.result = result;
        }

        CopyRequest request() {
            return request;
        }

        CompletableFuture<CopyResult> result() {
            return result;
        }

        @Override
        public void run() {
            try {
                placer.reserve();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.complete(CopyResult.failed(request, "interrupted before the copy started"));
                return;
            }
            CompletableFuture<CopyResult> outcome;
            try {
                beforeCopy.accept(request);
                outcome = copyOne(request);
            } catch (RuntimeException | Error e) {
                placer.release();
                result.complete(CopyResult.failed(request, "copy failed: " + e));
                if (e instanceof Error error) {
                    throw error;
                }
                return;
            }
            outcome.whenComplete((r, e) -> result.complete(r != null ? r
                    : CopyResult.failed(request, "copy failed: " + e)));
        }
    }
}
