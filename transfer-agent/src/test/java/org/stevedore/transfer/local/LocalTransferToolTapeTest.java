package org.stevedore.transfer.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.transfer.storage.Adler32Checksum;
import org.stevedore.transfer.storage.FilePfn;
import org.stevedore.transfer.tool.FileState;
import org.stevedore.transfer.tool.JobState;
import org.stevedore.transfer.tool.JobStatus;
import org.stevedore.transfer.tool.TapeStaging;
import org.stevedore.transfer.tool.TransferFile;
import org.stevedore.transfer.tool.TransferJob;

/** The in-process tool reads a tape source only once its tape endpoint has it online, then releases the pin. */
class LocalTransferToolTapeTest {

    @TempDir
    Path root;
    private final LocalCopier copier = new LocalCopier(2);

    @AfterEach
    void close() {
        copier.close();
    }

    /** A tape endpoint whose recall lands after a set number of status calls, into its own buffer directory. */
    private final class FakeTape implements TapeSources {
        final List<String> staged = new ArrayList<>();
        final List<String> released = new ArrayList<>();
        final Map<String, String> bufferCopy = new HashMap<>();
        int callsUntilOnline = 2;

        @Override
        public boolean stagesFrom(String rse) {
            return rse.equals("TAPE");
        }

        @Override
        public String stage(String rse, List<String> pfns, Duration pinLifetime) {
            staged.addAll(pfns);
            return "req-1";
        }

        @Override
        public Map<String, Recall> status(String rse, String requestId) {
            Map<String, Recall> out = new HashMap<>();
            boolean online = --callsUntilOnline <= 0;
            for (String pfn : staged) {
                out.put(pfn, online ? new Recall(true, bufferCopy.get(pfn), null) : Recall.recalling());
            }
            return out;
        }

        @Override
        public void release(String rse, String requestId, List<String> pfns) {
            released.addAll(pfns);
        }
    }

    @Test
    void aCopyFromATapeRseWaitsForTheRecallReadsTheBufferAndReleasesThePin() throws Exception {
        Path cartridge = Files.createDirectories(root.resolve("tape")).resolve("f.raw");
        Path buffer = Files.createDirectories(root.resolve("buffer")).resolve("f.raw");
        byte[] bytes = "recalled bytes".getBytes();
        Files.write(cartridge, bytes);
        Files.write(buffer, bytes);
        Path to = Files.createDirectories(root.resolve("disk")).resolve("f.raw");
        FakeTape tape = new FakeTape();
        tape.bufferCopy.put(FilePfn.of(cartridge), FilePfn.of(buffer));
        LocalTransferTool tool = new LocalTransferTool(copier, tape);
        TransferJob job = TransferJob.fromTape("job-1", "TAPE", "DISK", List.of(new TransferFile("r1",
                List.of(FilePfn.of(cartridge)), FilePfn.of(to), bytes.length, Adler32Checksum.of(cartridge), "Staging",
                3)), new TapeStaging(Duration.ofDays(1), Duration.ofHours(2)));

        tool.submit(List.of(job));

        JobStatus first = tool.query(List.of("job-1")).get("job-1");
        assertThat(first.state()).isEqualTo(JobState.ACTIVE);
        assertThat(first.files()).singleElement().satisfies(f -> assertThat(f.state()).isEqualTo(FileState.STAGING));
        assertThat(tape.staged).containsExactly(FilePfn.of(cartridge));
        assertThat(to).doesNotExist();
        // Cartridge gone from reach: the copy must come from the buffer.
        Files.delete(cartridge);
        JobStatus end = null;
        for (int i = 0; i < 200 && (end == null || !end.state().terminal()); i++) {
            end = tool.query(List.of("job-1")).get("job-1");
            Thread.sleep(20);
        }
        assertThat(end.state()).isEqualTo(JobState.FINISHED);
        assertThat(Files.readAllBytes(to)).isEqualTo(bytes);
        assertThat(tape.released).containsExactly(FilePfn.of(cartridge));
    }

    @Test
    void aRecallThatDoesNotFinishWithinBringOnlineFailsTheFileWithTheReasonAndReleasesItsPin() throws Exception {
        Path cartridge = Files.createDirectories(root.resolve("tape")).resolve("slow.raw");
        Files.write(cartridge, "never online".getBytes());
        Path to = Files.createDirectories(root.resolve("disk")).resolve("slow.raw");
        FakeTape tape = new FakeTape();
        tape.callsUntilOnline = Integer.MAX_VALUE;
        MutableClock clock = MutableClock.at("2026-12-07T10:00:00Z");
        LocalTransferTool tool = new LocalTransferTool(copier, tape, clock);
        tool.submit(List.of(TransferJob.fromTape("job-3", "TAPE", "DISK", List.of(new TransferFile("r3",
                List.of(FilePfn.of(cartridge)), FilePfn.of(to), 12, Adler32Checksum.of(cartridge), "Staging", 3)),
                new TapeStaging(Duration.ofHours(1), Duration.ofHours(2)))));

        clock.advance(Duration.ofMinutes(59));
        assertThat(tool.query(List.of("job-3")).get("job-3").files()).singleElement()
                .satisfies(f -> assertThat(f.state()).isEqualTo(FileState.STAGING));
        assertThat(tape.released).isEmpty();

        clock.advance(Duration.ofMinutes(2));
        JobStatus end = tool.query(List.of("job-3")).get("job-3");
        assertThat(end.state()).isEqualTo(JobState.FAILED);
        assertThat(end.files()).singleElement().satisfies(f -> {
            assertThat(f.state()).isEqualTo(FileState.FAILED);
            assertThat(f.reason()).contains("bring_online timeout of PT1H").contains("TAPE");
        });
        // The stage request's pin goes once, and nothing was read from the cartridge.
        assertThat(tape.released).containsExactly(FilePfn.of(cartridge));
        assertThat(to).doesNotExist();
    }

    @Test
    void aDiskSourceIsCopiedAtOnceWithoutStaging() throws Exception {
        Path from = Files.createDirectories(root.resolve("src")).resolve("f.raw");
        Files.write(from, "disk bytes".getBytes());
        Path to = Files.createDirectories(root.resolve("disk")).resolve("f.raw");
        FakeTape tape = new FakeTape();
        LocalTransferTool tool = new LocalTransferTool(copier, tape);

        tool.submit(List.of(TransferJob.fromDisk("job-2", "SRC", "DISK", List.of(new TransferFile("r2",
                List.of(FilePfn.of(from)), FilePfn.of(to), 10, Adler32Checksum.of(from), "User", 3)))));

        JobStatus end = null;
        for (int i = 0; i < 200 && (end == null || !end.state().terminal()); i++) {
            end = tool.query(List.of("job-2")).get("job-2");
            Thread.sleep(20);
        }
        assertThat(end.state()).isEqualTo(JobState.FINISHED);
        assertThat(tape.staged).isEmpty();
    }
}
