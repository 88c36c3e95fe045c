package org.stevedore.tape.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.tape.emulator.TapeEmulator;
import org.stevedore.tape.emulator.TapeEmulatorSettings;
import org.stevedore.tape.endpoint.ArchiveInfo;

/**
 * The emulated LOCAL_TAPE answers archiveinfo as a tape system with a migration delay does: a file written to it is on
 * disk only until the delay has passed since it was first asked about, then on tape for good; what is not there is an
 * error per file. This is what keeps a rule's copy to LOCAL_TAPE REPLICATING until it is confirmed.
 */
class LocalTapeArchiveTest {

    @TempDir
    Path dir;

    @Test
    void aWrittenFileIsOnDiskOnlyUntilTheMigrationDelayHasPassedThenOnTape() throws Exception {
        MutableClock clock = MutableClock.at("2026-12-07T10:00:00Z");
        Path root = Files.createDirectories(dir.resolve("tape"));
        TapeEmulator emulator = TapeEmulator.onDirectories(TapeEmulatorSettings.quick(), clock, root,
                Files.createDirectories(dir.resolve("buffer")));
        LocalTape tape = new LocalTape(emulator, root, clock, Duration.ofSeconds(3));
        Files.createDirectories(root.resolve("run8"));
        Files.writeString(root.resolve("run8/f1.raw"), "written by a transfer");

        List<ArchiveInfo> first = tape.archiveInfo(List.of("/run8/f1.raw", "/run8/missing.raw"));
        assertThat(first).filteredOn(a -> a.path().endsWith("f1.raw")).singleElement()
                .satisfies(a -> assertThat(a.archived()).as("just written: on disk only").isFalse());
        assertThat(first).filteredOn(a -> a.path().endsWith("missing.raw")).singleElement()
                .satisfies(a -> assertThat(a.error()).isNotBlank());

        clock.advance(Duration.ofSeconds(2));
        assertThat(tape.archiveInfo(List.of("/run8/f1.raw"))).singleElement()
                .satisfies(a -> assertThat(a.archived()).as("still migrating").isFalse());

        clock.advance(Duration.ofSeconds(1));
        assertThat(tape.archiveInfo(List.of("/run8/f1.raw"))).singleElement()
                .satisfies(a -> assertThat(a.archived()).as("migrated").isTrue());
        clock.advance(Duration.ofDays(1));
        assertThat(tape.archiveInfo(List.of("/run8/f1.raw"))).singleElement()
                .satisfies(a -> assertThat(a.archived()).as("for good").isTrue());
    }

    @Test
    void withoutADelayAWrittenFileIsOnTapeAtOnce() throws Exception {
        MutableClock clock = MutableClock.at("2026-12-07T10:00:00Z");
        Path root = Files.createDirectories(dir.resolve("tape0"));
        LocalTape tape = new LocalTape(TapeEmulator.onDirectories(TapeEmulatorSettings.quick(), clock, root,
                Files.createDirectories(dir.resolve("buffer0"))), root, clock, Duration.ZERO);
        Files.writeString(root.resolve("f.raw"), "x");

        assertThat(tape.archiveInfo(List.of("/f.raw"))).singleElement()
                .satisfies(a -> assertThat(a.archived()).isTrue());
    }
}
