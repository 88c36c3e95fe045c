package org.stevedore.transfer.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.stevedore.transfer.local.CopyResult.CopyState;
import org.stevedore.transfer.storage.Adler32Checksum;
import org.stevedore.transfer.storage.FilePfn;

class LocalCopierTest {

    @TempDir
    Path source;
    @TempDir
    Path destination;

    @Test
    void copiesRealBytesIntoNewDirectoriesAndReportsSizeAndChecksum() throws Exception {
        byte[] content = randomBytes(2 * (1 << 20) + 77, 1);
        Path from = Files.write(source.resolve("f.root"), content);
        Path to = destination.resolve("data24/ab/cd/f.root");

        try (LocalCopier copier = new LocalCopier(2)) {
            CopyResult result = copier.copy(List.of(request("r1", from, to))).get(0);

            assertThat(result.state()).isEqualTo(CopyState.DONE);
            assertThat(result.bytes()).isEqualTo(content.length);
            assertThat(result.adler32()).isEqualTo(Adler32Checksum.of(from));
            assertThat(result.reason()).isNull();
        }
        assertThat(Files.readAllBytes(to)).isEqualTo(content);
        assertThat(leftovers(to.getParent())).containsExactly(to);
    }

    @ParameterizedTest(name = "direct writes: {0}")
    @ValueSource(booleans = {true, false})
    void copiesOfEverySizeKeepTheirExactBytesWhetherWrittenDirectlyOrThroughThePageCache(boolean direct)
            throws Exception {
        // Around the block and buffer sizes: direct writes pad the last block and cut the file back.
        int[] sizes = {0, 1, 511, 4095, 4096, 4097, 65_537, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 12_345};
        List<CopyRequest> requests = new ArrayList<>();
        for (int size : sizes) {
            Path from = Files.write(source.resolve("f" + size), randomBytes(size, size));
            requests.add(request("r" + size, from, destination.resolve("d/f" + size)));
        }
        try (LocalCopier copier = new LocalCopier(2, 2, request -> { }, channel -> channel.force(true), direct)) {
            List<CopyResult> results = copier.copy(requests);

            assertThat(results).extracting(CopyResult::state).containsOnly(CopyState.DONE);
        }
        for (int size : sizes) {
            assertThat(Files.readAllBytes(destination.resolve("d/f" + size))).as("size %d", size)
                    .isEqualTo(Files.readAllBytes(source.resolve("f" + size)));
        }
        assertThat(leftovers(destination)).hasSize(sizes.length);
    }

    @Test
    void checksumMismatchFailsAndLeavesNothingAtTheDestination() throws Exception {
        Path from = Files.write(source.resolve("f"), randomBytes(10_000, 2));
        Path to = destination.resolve("sub/f");
        CopyRequest wrong = new CopyRequest("r1", FilePfn.of(from), FilePfn.of(to), 10_000, "0badc0de");

        try (LocalCopier copier = new LocalCopier(1)) {
            CopyResult result = copier.copy(List.of(wrong)).get(0);

            assertThat(result.state()).isEqualTo(CopyState.FAILED);
            assertThat(result.reason()).contains("checksum mismatch").contains("0badc0de");
        }
        assertThat(to).doesNotExist();
        assertThat(leftovers(destination)).isEmpty();
    }

    @Test
    void sizeMismatchFailsAndLeavesNothingAtTheDestination() throws Exception {
        Path from = Files.write(source.resolve("f"), randomBytes(1000, 3));
        Path to = destination.resolve("f");
        CopyRequest wrong = new CopyRequest("r1", FilePfn.of(from), FilePfn.of(to), 999, Adler32Checksum.of(from));

        try (LocalCopier copier = new LocalCopier(1)) {
            assertThat(copier.copy(List.of(wrong)).get(0).reason()).contains("size mismatch");
        }
        assertThat(leftovers(destination)).isEmpty();
    }

    @Test
    void existingDestinationWithOtherContentIsNeverOverwritten() throws Exception {
        Path from = Files.write(source.resolve("f"), randomBytes(5000, 4));
        Path to = Files.writeString(destination.resolve("f"), "somebody else's file");

        try (LocalCopier copier = new LocalCopier(1)) {
            CopyResult result = copier.copy(List.of(request("r1", from, to))).get(0);

            assertThat(result.state()).isEqualTo(CopyState.FAILED);
            assertThat(result.reason()).contains("exists with different content");
        }
        assertThat(Files.readString(to)).isEqualTo("somebody else's file");
        assertThat(leftovers(destination)).containsExactly(to);
    }

    @Test
    void existingDestinationWithTheExpectedContentCountsAsDone() throws Exception {
        byte[] content = randomBytes(5000, 5);
        Path from = Files.write(source.resolve("f"), content);
        Path to = Files.write(destination.resolve("f"), content);

        try (LocalCopier copier = new LocalCopier(1)) {
            CopyResult result = copier.copy(List.of(request("r1", from, to))).get(0);

            assertThat(result.state()).isEqualTo(CopyState.DONE);
            assertThat(result.bytes()).isEqualTo(5000);
        }
    }

    @Test
    void twoRequestsForOneDestinationPlaceItOnceAndBothSucceed() throws Exception {
        byte[] content = randomBytes(3 << 20, 6);
        Path from = Files.write(source.resolve("f"), content);
        Path to = destination.resolve("f");

        try (LocalCopier copier = new LocalCopier(2)) {
            List<CopyResult> results = copier.copy(List.of(request("a", from, to), request("b", from, to)));

            assertThat(results).extracting(CopyResult::state).containsOnly(CopyState.DONE);
        }
        assertThat(Files.readAllBytes(to)).isEqualTo(content);
        assertThat(leftovers(destination)).containsExactly(to);
    }

    @Test
    void missingSourceFailsWithAReason() {
        try (LocalCopier copier = new LocalCopier(1)) {
            CopyRequest missing = new CopyRequest("r1", FilePfn.of(source.resolve("none")),
                    FilePfn.of(destination.resolve("none")), 1, "00000001");

            CopyResult result = copier.copy(List.of(missing)).get(0);

            assertThat(result.state()).isEqualTo(CopyState.FAILED);
            assertThat(result.reason()).contains("does not exist");
        }
    }

    @Test
    void aBadRequestFailsAloneWhileTheOthersInTheBatchAreCopied() throws Exception {
        Path good = Files.write(source.resolve("good"), randomBytes(100, 7));
        CopyRequest bad = new CopyRequest("bad", "davs://elsewhere/x", FilePfn.of(destination.resolve("x")), 1, "1");

        try (LocalCopier copier = new LocalCopier(2)) {
            List<CopyResult> results = copier.copy(List.of(bad, request("good", good, destination.resolve("good"))));

            assertThat(results).extracting(r -> r.request().id()).containsExactly("bad", "good");
            assertThat(results).extracting(CopyResult::state).containsExactly(CopyState.FAILED, CopyState.DONE);
        }
    }

    @Test
    void neverRunsMoreCopiesAtOnceThanItsParallelism() throws Exception {
        int parallelism = 3;
        int files = 12;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger highest = new AtomicInteger();
        CountDownLatch poolFull = new CountDownLatch(parallelism);
        List<CopyRequest> requests = requests(files);
        // Each copy waits until the pool could be full, so an unbounded copier would show more than 3 at once here.
        LocalCopier copier = new LocalCopier(parallelism, LocalCopier.DEFAULT_FSYNCS, request -> {
            highest.accumulateAndGet(running.incrementAndGet(), Math::max);
            poolFull.countDown();
            try {
                poolFull.await(2, TimeUnit.SECONDS);
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
        }, channel -> channel.force(true), true);
        try (copier) {
            List<CopyResult> results = copier.copy(requests);

            assertThat(results).extracting(CopyResult::state).containsOnly(CopyState.DONE);
        }
        assertThat(highest.get()).isEqualTo(parallelism);
    }

    @Test
    void closingFailsQueuedCopiesInsteadOfLeavingCallersWaiting() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Path from = Files.write(source.resolve("f"), randomBytes(100, 8));
        LocalCopier copier = new LocalCopier(1, 1, request -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, channel -> channel.force(true), true);
        var first = copier.copyAsync(request("first", from, destination.resolve("first")));
        var queued = copier.copyAsync(request("queued", from, destination.resolve("queued")));

        Thread closer = new Thread(copier::close);
        closer.start();
        assertThat(queued.get(5, TimeUnit.SECONDS).reason()).contains("closed before the copy started");
        release.countDown();
        closer.join(5000);

        assertThat(first.get(5, TimeUnit.SECONDS).state()).isEqualTo(CopyState.DONE);
        assertThat(destination.resolve("queued")).doesNotExist();
        assertThat(copier.copyAsync(request("late", from, destination.resolve("late"))).get().reason()).contains("closed");
    }

    @Test
    void aCopyIsReportedOnlyOnceItsBytesAreFsyncedAndItsNameAppearsOnlyAfterThat() throws Exception {
        byte[] content = randomBytes(300_000, 9);
        Path from = Files.write(source.resolve("f"), content);
        Path to = destination.resolve("f");
        CountDownLatch inFsync = new CountDownLatch(1);
        CountDownLatch releaseFsync = new CountDownLatch(1);
        AtomicLong sizeAtFsync = new AtomicLong(-1);
        AtomicBoolean nameVisibleAtFsync = new AtomicBoolean(true);
        LocalCopier copier = new LocalCopier(1, 1, request -> { }, channel -> {
            sizeAtFsync.set(channel.size());
            nameVisibleAtFsync.set(Files.exists(to));
            inFsync.countDown();
            await(releaseFsync);
            channel.force(true);
        }, true);
        try (copier) {
            CompletableFuture<CopyResult> result = copier.copyAsync(request("r1", from, to));
            assertThat(inFsync.await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(sizeAtFsync.get()).as("every byte written before the fsync").isEqualTo(content.length);
            assertThat(nameVisibleAtFsync.get()).as("final name before the fsync").isFalse();
            Thread.sleep(50);
            assertThat(result).as("reported while its fsync runs").isNotDone();
            assertThat(to).doesNotExist();

            releaseFsync.countDown();
            assertThat(result.get(10, TimeUnit.SECONDS).state()).isEqualTo(CopyState.DONE);
        }
        assertThat(Files.readAllBytes(to)).isEqualTo(content);
        assertThat(leftovers(destination)).containsExactly(to);
    }

    @Test
    void aFailedFsyncFailsTheCopyAndLeavesNoFileBehind() throws Exception {
        Path from = Files.write(source.resolve("f"), randomBytes(10_000, 10));
        Path to = destination.resolve("sub/f");
        LocalCopier copier = new LocalCopier(1, 1, request -> { }, channel -> {
            throw new IOException("EIO from the disk");
        }, true);
        try (copier) {
            CopyResult result = copier.copy(List.of(request("r1", from, to))).get(0);

            assertThat(result.state()).isEqualTo(CopyState.FAILED);
            assertThat(result.reason()).contains("EIO from the disk");
        }
        assertThat(to).doesNotExist();
        assertThat(leftovers(destination)).isEmpty();
    }

    @Test
    void copyThreadsGoOnCopyingWhileEarlierCopiesWaitForTheirFsyncs() throws Exception {
        CountDownLatch bothInFsync = new CountDownLatch(2);
        List<CopyRequest> requests = requests(2);
        // One copy thread: both files can only be in their fsyncs together if it did not wait for the first one's.
        LocalCopier copier = new LocalCopier(1, 2, request -> { }, channel -> {
            bothInFsync.countDown();
            await(bothInFsync);
            channel.force(true);
        }, true);
        try (copier) {
            List<CompletableFuture<CopyResult>> results = requests.stream().map(copier::copyAsync).toList();

            assertThat(bothInFsync.await(10, TimeUnit.SECONDS)).isTrue();
            for (CompletableFuture<CopyResult> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS).state()).isEqualTo(CopyState.DONE);
            }
        }
    }

    @Test
    void startsNoMoreCopiesThanCopyThreadsPlusFsyncsWhileTheDiskLags() throws Exception {
        int parallelism = 1;
        int fsyncs = 2;
        AtomicInteger started = new AtomicInteger();
        CountDownLatch fsyncsBusy = new CountDownLatch(fsyncs);
        CountDownLatch releaseFsyncs = new CountDownLatch(1);
        List<CopyRequest> requests = requests(8);
        LocalCopier copier = new LocalCopier(parallelism, fsyncs, request -> started.incrementAndGet(), channel -> {
            fsyncsBusy.countDown();
            await(releaseFsyncs);
            channel.force(true);
        }, true);
        try (copier) {
            List<CompletableFuture<CopyResult>> results = requests.stream().map(copier::copyAsync).toList();
            assertThat(fsyncsBusy.await(10, TimeUnit.SECONDS)).isTrue();
            // Two files in their fsyncs, one written and waiting for a free fsync thread: the window is full.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (started.get() < parallelism + fsyncs && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(200);
            assertThat(started.get()).isEqualTo(parallelism + fsyncs);

            releaseFsyncs.countDown();
            for (CompletableFuture<CopyResult> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS).state()).isEqualTo(CopyState.DONE);
            }
            assertThat(started.get()).isEqualTo(requests.size());
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void refusesFewerThanOneCopyThreadOrFsyncThread() {
        assertThatThrownBy(() -> new LocalCopier(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parallelism must be >= 1, not 0");
        assertThatThrownBy(() -> new LocalCopier(1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fsyncs must be >= 1, not 0");
    }

    /** {@code n} requests r0, r1, ... of 1,000 random bytes each, from source/f0, ... to destination/f0, .... */
    private List<CopyRequest> requests(int n) throws IOException {
        List<CopyRequest> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            requests.add(request("r" + i, Files.write(source.resolve("f" + i), randomBytes(1000, i)), destination.resolve("f" + i)));
        }
        return requests;
    }

    private static CopyRequest request(String id, Path from, Path to) throws IOException {
        return new CopyRequest(id, FilePfn.of(from), FilePfn.of(to), Files.size(from), Adler32Checksum.of(from));
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Every file under the directory, temporary ones included. */
    private static List<Path> leftovers(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
