package org.stevedore.transfer.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DirectorySyncTest {

    private static final Path DIR = Path.of("/data/rse/dir");

    @Test
    void callersArrivingDuringAnFsyncShareTheNextOneAndReturnOnlyAfterIt() throws Exception {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        DirectorySync sync = new DirectorySync(dir -> {
            if (started.incrementAndGet() == 1) {
                firstRunning.countDown();
                await(releaseFirst);
            }
            completed.incrementAndGet();
        });
        List<Integer> seenOnReturn = new CopyOnWriteArrayList<>();
        Thread first = caller(sync, DIR, completed, seenOnReturn);
        assertThat(firstRunning.await(10, TimeUnit.SECONDS)).isTrue();

        // Three more renames land while the first fsync runs: it started before them, so it cannot cover them.
        List<Thread> late = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            late.add(caller(sync, DIR, completed, seenOnReturn));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sync.requested(DIR) < 4 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(sync.requested(DIR)).isEqualTo(4);
        assertThat(seenOnReturn).isEmpty();
        releaseFirst.countDown();

        first.join(10_000);
        for (Thread t : late) {
            t.join(10_000);
        }
        assertThat(started.get()).as("fsyncs for four callers").isEqualTo(2);
        assertThat(seenOnReturn).hasSize(4);
        // The first caller may return after one fsync; the three late ones only after the second.
        assertThat(seenOnReturn.stream().filter(n -> n >= 2).count()).isGreaterThanOrEqualTo(3);
        assertThat(sync.requested(DIR)).as("idle directories are forgotten").isZero();
    }

    @Test
    void aLoneCallerGetsItsOwnFsyncEachTime() throws Exception {
        AtomicInteger fsyncs = new AtomicInteger();
        DirectorySync sync = new DirectorySync(dir -> fsyncs.incrementAndGet());
        sync.sync(DIR);
        sync.sync(DIR);
        sync.sync(Path.of("/data/rse/other"));
        assertThat(fsyncs.get()).isEqualTo(3);
    }

    private static Thread caller(DirectorySync sync, Path dir, AtomicInteger completed, List<Integer> seenOnReturn) {
        Thread t = new Thread(() -> {
            try {
                sync.sync(dir);
                seenOnReturn.add(completed.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        return t;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
