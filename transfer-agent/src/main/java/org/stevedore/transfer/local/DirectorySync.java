package org.stevedore.transfer.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes new directory entries durable with as few directory fsyncs as the concurrency allows (a group commit):
 * {@link #sync} returns only once an fsync of the directory that started after the call began has completed, so the
 * caller's rename or link is durable; callers that arrive while an fsync of the same directory runs share the next
 * one. With several copies landing in one directory, one fsync covers the entries of all copies that finished during
 * the previous one, instead of one fsync per file.
 */
final class DirectorySync {

    private static final Logger log = LoggerFactory.getLogger(DirectorySync.class);

    /** One directory's state; {@code users} is only changed inside the map's compute, the rest under the monitor. */
    private static final class Entry {
        int users;
        long requested;
        long synced;
        boolean running;
    }

    /** What one directory fsync does; a seam for tests. */
    interface Forcer {
        void force(Path directory);
    }

    private final Map<Path, Entry> entries = new ConcurrentHashMap<>();
    private final Forcer forcer;

    DirectorySync() {
        this(DirectorySync::forceQuietly);
    }

    DirectorySync(Forcer forcer) {
        this.forcer = forcer;
    }

    /** Returns once every entry created in {@code directory} before this call is durable. */
    void sync(Path directory) throws InterruptedException {
        Entry e = entries.compute(directory, (k, v) -> {
            Entry entry = v == null ? new Entry() : v;
            entry.users++;
            return entry;
        });
        try {
            long ticket;
            synchronized (e) {
                ticket = ++e.requested;
            }
            while (true) {
                long covers;
                synchronized (e) {
                    if (e.synced >= ticket) {
                        return;
                    }
                    if (e.running) {
                        e.wait();
                        continue;
                    }
                    e.running = true;
                    // Everyone holding a ticket up to here renamed before this fsync starts: it covers them all.
                    covers = e.requested;
                }
                try {
                    forcer.force(directory);
                } finally {
                    synchronized (e) {
                        e.running = false;
                        e.synced = Math.max(e.synced, covers);
                        e.notifyAll();
                    }
                }
            }
        } finally {
            entries.computeIfPresent(directory, (k, v) -> --v.users == 0 ? null : v);
        }
    }

    /** Callers that have asked for a sync of {@code directory} so far and are still in {@link #sync} (for tests). */
    long requested(Path directory) {
        Entry e = entries.get(directory);
        if (e == null) {
            return 0;
        }
        synchronized (e) {
            return e.requested;
        }
    }

    /** Not every platform can open a directory; there the step is skipped, as before. */
    private static void forceQuietly(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("Cannot fsync directory {}: {}", directory, e.toString());
        }
    }
}
