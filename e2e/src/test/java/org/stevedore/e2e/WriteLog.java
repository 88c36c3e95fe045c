package org.stevedore.e2e;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.stevedore.transfer.local.LocalCopier;

/**
 * The storage's write log: what the kernel saw created in the destination directories (inotify through the JDK's
 * watch service), so that the test sees every copy that was started, whichever instance started it, even one killed
 * half-way. The local copier writes each copy to a hidden temporary name ({@code .<name>.<uuid>}
 * {@value LocalCopier#TEMPORARY_SUFFIX}) and then links it to its final name: one temporary file is one copy begun,
 * one final name is one copy placed.
 *
 * <p>The directories must exist before the copies start (the test creates them), or files created in a directory
 * made after the watch began would go unseen.
 */
final class WriteLog implements AutoCloseable {

    private final WatchService watcher;
    private final Map<String, Integer> started = new HashMap<>();
    private final Map<String, Integer> placed = new HashMap<>();
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private final Thread reader;

    WriteLog(Collection<Path> directories) {
        try {
            watcher = FileSystems.getDefault().newWatchService();
            for (Path dir : directories) {
                dir.register(watcher, ENTRY_CREATE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reader = new Thread(this::read, "write-log");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == OVERFLOW) {
                        overflowed.set(true);
                        continue;
                    }
                    record(((Path) event.context()).getFileName().toString());
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private synchronized void record(String created) {
        if (created.startsWith(".") && created.endsWith(LocalCopier.TEMPORARY_SUFFIX)) {
            // .<name>.<uuid>.stevedore-part: a UUID has no dots, so the name is everything before the last one.
            String stem = created.substring(1, created.length() - LocalCopier.TEMPORARY_SUFFIX.length());
            started.merge(stem.substring(0, stem.lastIndexOf('.')), 1, Integer::sum);
        } else if (!created.startsWith(".")) {
            placed.merge(created, 1, Integer::sum);
        }
    }

    /** Copies begun, by file name. */
    synchronized Map<String, Integer> started() {
        return Map.copyOf(started);
    }

    /** Files linked to their final name, by file name. */
    synchronized Map<String, Integer> placed() {
        return Map.copyOf(placed);
    }

    /** Whether the kernel dropped events (then the counts are incomplete). */
    boolean overflowed() {
        return overflowed.get();
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            // nothing to do
        }
        reader.interrupt();
    }
}
