package org.stevedore.tape.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.tape.endpoint.ArchiveInfo;
import org.stevedore.tape.endpoint.Locality;
import org.stevedore.tape.endpoint.StageFile;
import org.stevedore.tape.endpoint.StageRequestStatus;
import org.stevedore.tape.endpoint.StageState;
import org.stevedore.tape.endpoint.StagedFile;
import org.stevedore.tape.endpoint.TapeEndpointException;

class TapeEmulatorTest {

    private static final long MB = 1_000_000L;
    private static final Duration HOUR = Duration.ofHours(1);

    private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    private final Instant t0 = clock.instant();

    /** 100 MB/s drives, 60 s mounts, no positioning, a buffer of 10 GB. */
    private static TapeEmulatorSettings settings(int drives) {
        return new TapeEmulatorSettings(drives, Duration.ofSeconds(60), 100 * MB, Duration.ZERO, 10_000 * MB, 1_000_000 * MB);
    }

    private static List<StageFile> stageFiles(List<String> paths, Duration lifetime) {
        return paths.stream().map(p -> new StageFile(p, lifetime)).toList();
    }

    /** Registers {@code perTape} files of {@code size} on each of {@code tapes} cartridges; returns their paths. */
    private static List<String> fill(TapeEmulator tape, int tapes, int perTape, long size) {
        List<String> paths = new ArrayList<>();
        for (int t = 0; t < tapes; t++) {
            for (int f = 0; f < perTape; f++) {
                String path = String.format("/tape%d/f%03d", t, f);
                tape.register(path, "T" + t, size);
                paths.add(path);
            }
        }
        return paths;
    }

    private static long onDisk(StageRequestStatus status) {
        return status.files().stream().filter(StagedFile::onDisk).count();
    }

    private void at(TapeEmulator tape, Duration sinceStart) {
        clock.set(t0.plus(sinceStart));
        tape.tick();
    }

    @Test
    void filesSpreadOverAsManyCartridgesAsDrivesFinishAtMountPlusTotalBytesOverAggregateBandwidth() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(2), clock);
        List<String> paths = fill(tape, 2, 10, 100 * MB);   // N = 20 files of S = 100 MB on D = 2 drives

        String id = tape.stage(stageFiles(paths, HOUR));

        // mount + N * S / (D * bw) = 60 s + 20 * 100 MB / (2 * 100 MB/s) = 70 s
        at(tape, Duration.ofSeconds(70).minusMillis(1));
        StageRequestStatus before = tape.status(id);
        assertThat(onDisk(before)).isEqualTo(18);
        assertThat(before.completedAt()).isNull();
        at(tape, Duration.ofSeconds(70));
        StageRequestStatus done = tape.status(id);
        assertThat(done.files()).allMatch(f -> f.onDisk() && f.state() == StageState.COMPLETED);
        assertThat(done.completedAt()).isEqualTo(t0.plusSeconds(70));
        assertThat(done.startedAt()).isEqualTo(t0);
    }

    @Test
    void moreCartridgesThanDrivesWaitForADriveAndPayTheirOwnMount() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(2), clock);
        List<String> paths = fill(tape, 3, 10, 100 * MB);

        String id = tape.stage(stageFiles(paths, HOUR));

        at(tape, Duration.ofSeconds(70));
        assertThat(onDisk(tape.status(id))).isEqualTo(20);
        // the third cartridge is mounted when a drive frees at 70 s: 70 + 60 + 10 * 1 s
        at(tape, Duration.ofSeconds(139));
        assertThat(tape.status(id).completedAt()).isNull();
        at(tape, Duration.ofSeconds(140));
        assertThat(tape.status(id).completedAt()).isEqualTo(t0.plusSeconds(140));
    }

    @Test
    void positioningTimeIsPaidForEachFileThatDoesNotFollowTheLastOneRead() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(1).withLatencies(Duration.ofSeconds(60), Duration.ofSeconds(5)), clock);
        List<String> paths = fill(tape, 1, 8, 100 * MB);

        // every other file: each needs a locate, the first one too (it is not at the start of the cartridge)
        String id = tape.stage(stageFiles(List.of(paths.get(1), paths.get(3), paths.get(5), paths.get(7)), HOUR));

        at(tape, Duration.ofSeconds(60 + 4 * (5 + 1)));
        assertThat(tape.status(id).completedAt()).isEqualTo(t0.plusSeconds(84));
    }

    @Test
    void consecutiveFilesFromTheStartOfTheCartridgeStreamWithoutPositioning() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(1).withLatencies(Duration.ofSeconds(60), Duration.ofSeconds(5)), clock);
        List<String> paths = fill(tape, 1, 8, 100 * MB);

        String id = tape.stage(stageFiles(paths.subList(0, 4), HOUR));

        at(tape, Duration.ofSeconds(64));
        assertThat(tape.status(id).completedAt()).isEqualTo(t0.plusSeconds(64));
    }

    @Test
    void aMountedCartridgeServesALaterRequestWithoutAnotherMount() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(1), clock);
        List<String> paths = fill(tape, 1, 4, 100 * MB);

        String first = tape.stage(stageFiles(paths.subList(0, 2), HOUR));
        at(tape, Duration.ofSeconds(62));
        assertThat(tape.status(first).completedAt()).isEqualTo(t0.plusSeconds(62));

        String second = tape.stage(stageFiles(paths.subList(2, 4), HOUR));
        at(tape, Duration.ofSeconds(64));
        assertThat(tape.status(second).completedAt()).isEqualTo(t0.plusSeconds(64));
    }

    @Test
    void filesOfOneCartridgeAreStreamedInPathOrderWhateverTheRequestOrder() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(1), clock);
        List<String> paths = fill(tape, 1, 3, 100 * MB);

        String id = tape.stage(stageFiles(List.of(paths.get(2), paths.get(0), paths.get(1)), HOUR));

        at(tape, Duration.ofSeconds(61));
        assertThat(tape.status(id).files()).extracting(StagedFile::path, StagedFile::onDisk)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(paths.get(2), false),
                        org.assertj.core.groups.Tuple.tuple(paths.get(0), true),
                        org.assertj.core.groups.Tuple.tuple(paths.get(1), false));
    }

    @Test
    void twoRequestsForOneFileShareOneRecall() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(1), clock);
        List<String> paths = fill(tape, 1, 2, 100 * MB);

        String first = tape.stage(stageFiles(paths, HOUR));
        at(tape, Duration.ofSeconds(30));
        String second = tape.stage(stageFiles(paths, HOUR));

        at(tape, Duration.ofSeconds(62));
        assertThat(tape.status(first).completedAt()).isEqualTo(t0.plusSeconds(62));
        assertThat(tape.status(second).completedAt()).isEqualTo(t0.plusSeconds(62));
        assertThat(tape.bufferUsedBytes()).isEqualTo(200 * MB);
    }

    @Test
    void theBufferIsNeverExceededAndRecallsWaitWhileItIsFullOfPinnedFiles() {
        // a 500 MB buffer, 20 files of 100 MB on 2 cartridges and 2 drives
        TapeEmulator tape = TapeEmulator.inMemory(settings(2).withBufferCapacity(500 * MB), clock);
        List<String> paths = fill(tape, 2, 10, 100 * MB);
        String id = tape.stage(stageFiles(paths, HOUR));

        for (int s = 0; s <= 600; s += 5) {
            at(tape, Duration.ofSeconds(s));
            assertThat(tape.bufferUsedBytes()).isLessThanOrEqualTo(500 * MB);
        }
        assertThat(onDisk(tape.status(id))).isEqualTo(5);
        assertThat(tape.bufferPeakBytes()).isEqualTo(500 * MB);
        assertThat(tape.status(id).files()).filteredOn(f -> !f.onDisk()).extracting(StagedFile::state)
                .containsOnly(StageState.STARTED);
    }

    @Test
    void releasingPinnedFilesLetsWaitingRecallsProceedByEvictingThem() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(1).withBufferCapacity(300 * MB), clock);
        List<String> paths = fill(tape, 1, 6, 100 * MB);
        String first = tape.stage(stageFiles(paths.subList(0, 3), HOUR));
        String second = tape.stage(stageFiles(paths.subList(3, 6), HOUR));
        at(tape, Duration.ofSeconds(300));
        assertThat(onDisk(tape.status(first))).isEqualTo(3);
        assertThat(onDisk(tape.status(second))).isZero();

        tape.release(first, paths.subList(0, 3));
        at(tape, Duration.ofSeconds(303));

        assertThat(tape.status(second).completedAt()).isEqualTo(t0.plusSeconds(303));
        // evicted for room, but still COMPLETED: onDisk is what tells whether the copy is there
        assertThat(tape.status(first).files()).allMatch(f -> !f.onDisk() && f.state() == StageState.COMPLETED);
        assertThat(tape.archiveInfo(paths.subList(0, 1))).extracting(ArchiveInfo::locality).containsExactly(Locality.TAPE);
        assertThat(tape.bufferPeakBytes()).isEqualTo(300 * MB);
    }

    @Test
    void anExpiredDiskLifetimeFreesItsSpaceLikeARelease() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(1).withBufferCapacity(100 * MB), clock);
        List<String> paths = fill(tape, 1, 2, 100 * MB);
        String first = tape.stage(stageFiles(paths.subList(0, 1), Duration.ofMinutes(10)));
        String second = tape.stage(stageFiles(paths.subList(1, 2), HOUR));

        at(tape, Duration.ofSeconds(61 + 599));
        assertThat(onDisk(tape.status(second))).isZero();
        // the pin runs from landing (61 s) for 10 min; then the second file streams for 1 s
        at(tape, Duration.ofSeconds(61 + 600 + 1));
        assertThat(tape.status(second).completedAt()).isEqualTo(t0.plusSeconds(662));
        assertThat(onDisk(tape.status(first))).isZero();
    }

    @Test
    void aFileAlreadyOnDiskIsCompletedAtOnceAndPinnedForTheNewRequestToo() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(1).withBufferCapacity(100 * MB), clock);
        List<String> paths = fill(tape, 1, 2, 100 * MB);
        String first = tape.stage(stageFiles(paths.subList(0, 1), HOUR));
        at(tape, Duration.ofSeconds(61));

        String second = tape.stage(stageFiles(paths.subList(0, 1), HOUR));
        StageRequestStatus status = tape.status(second);
        assertThat(status.files()).containsExactly(new StagedFile(paths.get(0), true, StageState.COMPLETED, null));
        assertThat(status.completedAt()).isEqualTo(t0.plusSeconds(61));

        // released by the first request, still pinned by the second: the other file cannot get room
        tape.release(first, paths.subList(0, 1));
        String third = tape.stage(stageFiles(paths.subList(1, 2), HOUR));
        at(tape, Duration.ofSeconds(600));
        assertThat(onDisk(tape.status(third))).isZero();
        tape.forget(second);
        at(tape, Duration.ofSeconds(601));
        assertThat(onDisk(tape.status(third))).isEqualTo(1);
    }

    @Test
    void cancelledFilesAreNotRecalledAndCostTheDrivesNothing() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(1), clock);
        List<String> paths = fill(tape, 1, 10, 100 * MB);
        String id = tape.stage(stageFiles(paths, HOUR));
        at(tape, Duration.ofSeconds(62));

        tape.cancel(id, paths.subList(5, 10));
        at(tape, Duration.ofSeconds(600));

        StageRequestStatus status = tape.status(id);
        assertThat(status.files().subList(0, 5)).allMatch(f -> f.onDisk() && f.state() == StageState.COMPLETED);
        assertThat(status.files().subList(5, 10)).allMatch(f -> !f.onDisk() && f.state() == StageState.CANCELLED)
                .allMatch(StagedFile::failed);
        assertThat(status.completedAt()).isEqualTo(t0.plusSeconds(65));
        assertThat(tape.bufferUsedBytes()).isEqualTo(500 * MB);
        // nothing left for the drive: the next event is the first pin's expiry
        assertThat(tape.nextEvent()).contains(t0.plusSeconds(61).plus(HOUR));
    }

    @Test
    void aCancelledFileAnotherRequestStillWantsIsRecalledForThatOne() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(1), clock);
        List<String> paths = fill(tape, 1, 1, 100 * MB);
        String first = tape.stage(stageFiles(paths, HOUR));
        String second = tape.stage(stageFiles(paths, HOUR));

        tape.cancel(first, paths);
        at(tape, Duration.ofSeconds(61));

        // onDisk wins over state: the copy is there even for the request that cancelled it
        assertThat(tape.status(first).files()).containsExactly(new StagedFile(paths.get(0), true, StageState.CANCELLED, null));
        assertThat(tape.status(second).files()).containsExactly(new StagedFile(paths.get(0), true, StageState.COMPLETED, null));
    }

    @Test
    void unknownLostAndOversizedFilesFailWithinTheRequestNextToGoodOnes() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(1), clock);
        tape.register("/good", "T1", 100 * MB);
        tape.register("/lost", "T1", 100 * MB);
        tape.register("/huge", "T1", 20_000 * MB);
        tape.markLost("/lost");

        String id = tape.stage(stageFiles(List.of("/good", "/missing", "/lost", "/huge"), HOUR));
        at(tape, Duration.ofSeconds(61));

        assertThat(tape.status(id).files()).containsExactly(
                new StagedFile("/good", true, StageState.COMPLETED, null),
                new StagedFile("/missing", false, StageState.FAILED, "No such file: /missing"),
                new StagedFile("/lost", false, StageState.FAILED, "File lost from tape: /lost"),
                new StagedFile("/huge", false, StageState.FAILED, "File larger than the whole disk buffer: /huge"));
    }

    @Test
    void aFileLostWhileQueuedFailsItsRequest() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(1), clock);
        List<String> paths = fill(tape, 1, 2, 100 * MB);
        String id = tape.stage(stageFiles(paths, HOUR));
        at(tape, Duration.ofSeconds(30));

        tape.markLost(paths.get(1));
        at(tape, Duration.ofSeconds(70));

        assertThat(tape.status(id).files()).extracting(StagedFile::state)
                .containsExactly(StageState.COMPLETED, StageState.FAILED);
        assertThat(tape.archiveInfo(paths)).extracting(ArchiveInfo::locality)
                .containsExactly(Locality.DISK_AND_TAPE, Locality.LOST);
    }

    @Test
    void archiveInfoFollowsAWrittenFileFromDiskToTape() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(1), clock);

        tape.write("/raw/new.dat", 300 * MB);
        assertThat(tape.archiveInfo(List.of("/raw/new.dat", "/raw/unknown.dat"))).containsExactly(
                new ArchiveInfo("/raw/new.dat", Locality.DISK, null),
                new ArchiveInfo("/raw/unknown.dat", Locality.NONE, "No such file: /raw/unknown.dat"));

        at(tape, Duration.ofSeconds(62));
        assertThat(tape.archiveInfo(List.of("/raw/new.dat"))).extracting(ArchiveInfo::locality).containsExactly(Locality.DISK);
        at(tape, Duration.ofSeconds(63));
        assertThat(tape.archiveInfo(List.of("/raw/new.dat"))).extracting(ArchiveInfo::locality)
                .containsExactly(Locality.DISK_AND_TAPE);
    }

    @Test
    void aWriteIntoAFullBufferIsRefusedAsTransient() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(1).withBufferCapacity(100 * MB), clock);
        tape.write("/a", 100 * MB);

        assertThatThrownBy(() -> tape.write("/b", 1))
                .isInstanceOfSatisfying(TapeEndpointException.class, e -> {
                    assertThat(e.status()).isEqualTo(507);
                    assertThat(e.isTransient()).isTrue();
                })
                .hasMessageContaining("/b");
    }

    @Test
    void aDriveWaitingForBufferSpaceMigratesWrittenFilesSoTheirSpaceCanBeFreed() {
        // the buffer holds only written files; a recall needs one of them on tape (then evictable)
        TapeEmulator tape = TapeEmulator.inMemory(settings(1).withBufferCapacity(200 * MB), clock);
        tape.register("/old", "OLD", 100 * MB);
        tape.write("/w1", 100 * MB);
        tape.write("/w2", 100 * MB);
        String id = tape.stage(stageFiles(List.of("/old"), HOUR));

        at(tape, Duration.ofHours(1));

        assertThat(tape.status(id).files()).extracting(StagedFile::onDisk).containsExactly(true);
        assertThat(tape.bufferPeakBytes()).isLessThanOrEqualTo(200 * MB);
    }

    @Test
    void refusedCallsAreNotTransientAndNameTheProblem() {
        TapeEmulator tape = TapeEmulator.inMemory(settings(1), clock);
        tape.register("/a", 1);
        String id = tape.stage(stageFiles(List.of("/a"), HOUR));

        assertThatThrownBy(() -> tape.status("nope")).isInstanceOfSatisfying(TapeEndpointException.class,
                e -> assertThat(e.status()).isEqualTo(404)).hasMessage("No stage request nope");
        assertThatThrownBy(() -> tape.stage(List.of())).isInstanceOfSatisfying(TapeEndpointException.class,
                e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> tape.stage(stageFiles(List.of("/a", "/a"), HOUR)))
                .hasMessage("Path given twice in one stage request: /a");
        assertThatThrownBy(() -> tape.cancel(id, List.of("/a", "/b")))
                .isInstanceOfSatisfying(TapeEndpointException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.isTransient()).isFalse();
                })
                .hasMessage("Not in stage request " + id + ": /b");
        tape.forget(id);
        assertThatThrownBy(() -> tape.release(id, List.of("/a"))).isInstanceOfSatisfying(TapeEndpointException.class,
                e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void onDirectoriesARecallCopiesTheBytesIntoTheBufferAndEvictionDeletesThem(@TempDir Path root) throws Exception {
        Path tapeRoot = root.resolve("tape");
        Files.createDirectories(tapeRoot.resolve("run8"));
        Files.writeString(tapeRoot.resolve("run8/a.raw"), "first file");
        Files.writeString(tapeRoot.resolve("run8/b.raw"), "second");
        TapeEmulator tape = TapeEmulator.onDirectories(settings(1).withBufferCapacity(10), clock, tapeRoot,
                root.resolve("buffer"));

        String first = tape.stage(stageFiles(List.of("/run8/a.raw"), HOUR));
        assertThat(tape.bufferFile("/run8/a.raw")).isEmpty();
        at(tape, Duration.ofSeconds(61));
        Path staged = tape.bufferFile("/run8/a.raw").orElseThrow();
        assertThat(staged).hasContent("first file").startsWith(root.resolve("buffer"));

        tape.release(first, List.of("/run8/a.raw"));
        String second = tape.stage(stageFiles(List.of("/run8/b.raw"), HOUR));
        at(tape, Duration.ofSeconds(62));
        assertThat(tape.status(second).files()).extracting(StagedFile::onDisk).containsExactly(true);
        assertThat(staged).doesNotExist();
        assertThat(root.resolve("buffer/run8/b.raw")).hasContent("second");
    }

    @Test
    void onDirectoriesAMigrationCopiesAWrittenFileOntoTheTapeTree(@TempDir Path root) throws Exception {
        TapeEmulator tape = TapeEmulator.onDirectories(settings(1), clock, root.resolve("tape"), root.resolve("buffer"));
        Files.createDirectories(root.resolve("buffer/out"));
        Files.writeString(root.resolve("buffer/out/c.raw"), "written");

        tape.write("/out/c.raw");
        at(tape, Duration.ofSeconds(61));

        assertThat(root.resolve("tape/out/c.raw")).hasContent("written");
        assertThat(tape.archiveInfo(List.of("/out/c.raw"))).extracting(ArchiveInfo::locality)
                .containsExactly(Locality.DISK_AND_TAPE);
    }

    @Test
    void pathsOutsideTheTreeAreRefused(@TempDir Path root) {
        TapeEmulator tape = TapeEmulator.onDirectories(settings(1), clock, root.resolve("tape"), root.resolve("buffer"));
        assertThatThrownBy(() -> tape.write("/../escape")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the emulated tape");
    }

    @Test
    void registeredFilesFillCartridgesInTurn() {
        // 250 MB cartridges: files of 100 MB go two per cartridge, so 2 drives each mount one and work in parallel
        TapeEmulator tape = TapeEmulator.inMemory(settings(2).withTapeCapacity(250 * MB), clock);
        List<String> paths = IntStream.range(0, 4).mapToObj(i -> "/f" + i).toList();
        paths.forEach(p -> tape.register(p, 100 * MB));

        String id = tape.stage(stageFiles(paths, HOUR));
        at(tape, Duration.ofSeconds(62));
        assertThat(tape.status(id).completedAt()).isEqualTo(t0.plusSeconds(62));
    }
}
