package org.stevedore.transfer.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.zip.Adler32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.transfer.storage.Adler32Checksum;
import org.stevedore.transfer.storage.FilePfn;
import org.stevedore.transfer.storage.StorageException;

/**
 * Copies files between {@code file} PFNs in-process, at most {@code parallelism} at a time.
 *
 * <p>A copy is written to a hidden temporary name in the destination directory, checked against the expected size
 * and adler32, fsynced, and only then linked to its final name; the copy is reported only once that name is durable
 * too (the directory's fsync is shared by the copies that land in it meanwhile, see {@link DirectorySync}). A reader therefore never sees a partial or wrong
 * file under the final name, and an existing destination is never replaced: if it holds the expected content the
 * copy counts as DONE (a retried request whose first attempt landed), otherwise it FAILS and the file is left alone.
 */
public final class LocalCopier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalCopier.class);
    private static final int BUFFER = 1 << 20;
    private static final String TEMPORARY_SUFFIX = ".stevedore-part";

    private final ThreadPoolExecutor pool;
    private final Consumer<CopyRequest> beforeCopy;
    private final DirectorySync directories = new DirectorySync();
    /** One copy buffer per copier thread, reused from file to file. */
    private final ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));

    public LocalCopier(int parallelism) {
        this(parallelism, request -> { });
    }

    /** Test seam: {@code beforeCopy} runs on the worker thread as each copy starts. */
    LocalCopier(int parallelism, Consumer<CopyRequest> beforeCopy) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, not " + parallelism);
        }
        this.pool = new ThreadPoolExecutor(parallelism, parallelism, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), namedThreads());
        this.beforeCopy = Objects.requireNonNull(beforeCopy);
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
     * Running copies finish (an interrupted copy would only leave work to redo); queued ones complete as FAILED so
     * that nobody waits for them forever.
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
    }

    private CopyResult copyOne(CopyRequest request) {
        Path source;
        Path destination;
        try {
            source = FilePfn.toPath(request.sourcePfn());
            destination = FilePfn.toPath(request.destinationPfn());
        } catch (StorageException e) {
            return failed(request, e.getMessage());
        }
        if (!Files.isRegularFile(source)) {
            return failed(request, "source " + request.sourcePfn() + " is not a file or does not exist");
        }
        Path temporary = null;
        try {
            if (Files.exists(destination)) {
                return alreadyThere(request, destination);
            }
            Files.createDirectories(destination.getParent());
            temporary = destination.resolveSibling("." + destination.getFileName() + "." + UUID.randomUUID() + TEMPORARY_SUFFIX);
            Written written = write(source, temporary);
            if (written.bytes() != request.expectedBytes()) {
                return failed(request, "size mismatch: expected " + request.expectedBytes() + " bytes, copied " + written.bytes());
            }
            if (!written.adler32().equals(request.expectedAdler32())) {
                return failed(request, "checksum mismatch: expected adler32 " + request.expectedAdler32()
                        + ", copied " + written.adler32());
            }
            if (!place(temporary, destination)) {
                return alreadyThere(request, destination);
            }
            directories.sync(destination.getParent());
            log.info("Copied {} -> {} ({} bytes, adler32 {}) for {}", request.sourcePfn(), request.destinationPfn(),
                    written.bytes(), written.adler32(), request.id());
            return CopyResult.done(request, written.bytes(), written.adler32());
        } catch (IOException | RuntimeException e) {
            return failed(request, "copy failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(request, "interrupted before the copy was durable");
        } finally {
            if (temporary != null) {
                deleteQuietly(temporary);
            }
        }
    }

    /**
     * Reads the source once: the checksum is taken over the very buffers written, so no second read of the
     * destination is needed (the bench compares us with {@code cp}).
     */
    private Written write(Path source, Path temporary) throws IOException {
        Adler32 adler = new Adler32();
        long bytes = 0;
        ByteBuffer buffer = buffers.get();
        buffer.clear();
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (in.read(buffer) >= 0) {
                buffer.flip();
                adler.update(buffer.duplicate());
                while (buffer.hasRemaining()) {
                    bytes += out.write(buffer);
                }
                buffer.clear();
            }
            // Durable before it gets its name: after a crash the final name holds the whole file or nothing.
            out.force(true);
        }
        return new Written(bytes, Adler32Checksum.format(adler.getValue()));
    }

    /**
     * Gives the temporary file its final name without ever replacing an existing file. A hard link fails atomically
     * when the name is taken (rename would silently replace it). Where the file system has no hard links, fall back
     * to an atomic rename after a check; the window between the two is accepted there.
     *
     * @return false when the destination appeared in the meantime
     */
    private static boolean place(Path temporary, Path destination) throws IOException {
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

    /** The destination existed: DONE when it is the same file, FAILED (and untouched) when it is not. */
    private static CopyResult alreadyThere(CopyRequest request, Path destination) throws IOException {
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

    private static void deleteQuietly(Path temporary) {
        try {
            Files.deleteIfExists(temporary);
        } catch (NoSuchFileException e) {
            // gone already
        } catch (IOException e) {
            log.warn("Cannot remove temporary file {}: {}", temporary, e.toString());
        }
    }

    private static CopyResult failed(CopyRequest request, String reason) {
        log.warn("Copy {} -> {} failed for {}: {}", request.sourcePfn(), request.destinationPfn(), request.id(), reason);
        return CopyResult.failed(request, reason);
    }

    private static ThreadFactory namedThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "local-copy-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private record Written(long bytes, String adler32) {
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
                beforeCopy.accept(request);
                result.complete(copyOne(request));
            } catch (RuntimeException | Error e) {
                result.complete(CopyResult.failed(request, "copy failed: " + e));
                if (e instanceof Error error) {
                    throw error;
                }
            }
        }
    }
}
