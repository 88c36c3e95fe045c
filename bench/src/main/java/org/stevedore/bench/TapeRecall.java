package org.stevedore.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.stevedore.tape.emulator.TapeEmulator;
import org.stevedore.tape.emulator.TapeEmulatorSettings;
import org.stevedore.tape.endpoint.StageFile;
import org.stevedore.tape.endpoint.StageRequestStatus;
import org.stevedore.tape.endpoint.StageState;

/**
 * tape-recall: the tape emulator under a campaign-sized recall, in simulated time. The files fill 8 cartridges in
 * path order (so 4 drives can work in parallel); every file is staged at once in
 * requests of 200 with a one-hour disk lifetime (so the buffer, smaller than the data, throttles the recall), then
 * the emulator is played from event to event. Reports what the model predicts (makespan, throughput against the
 * drives' aggregate bandwidth) and what the simulation costs in wall time.
 */
final class TapeRecall {

    private static final int REQUEST_SIZE = 200;
    private static final int CARTRIDGES = 8;
    private static final Duration LIFETIME = Duration.ofHours(1);

    private final Options options;

    TapeRecall(Options options) {
        this.options = options;
    }

    /** A clock the benchmark sets: simulated time, not the wall's. */
    private static final class SimulatedClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    Map<String, Object> run() {
        Workload workload = Workload.of(options);
        long total = 0;
        long largest = 0;
        for (int i = 0; i < workload.files(); i++) {
            total += workload.bytes(i);
            largest = Math.max(largest, workload.bytes(i));
        }
        // A campaign's files are spread over many cartridges: here over CARTRIDGES of them, filled in path order.
        TapeEmulatorSettings settings = TapeEmulatorSettings.library().withTapeCapacity(total / CARTRIDGES + largest);
        SimulatedClock clock = new SimulatedClock();
        Instant start = clock.now;
        TapeEmulator tape = TapeEmulator.inMemory(settings, clock);
        long bytes = 0;
        List<StageFile> files = new ArrayList<>(workload.files());
        for (int i = 0; i < workload.files(); i++) {
            String path = "/tape/" + workload.fileName(i);
            tape.register(path, workload.bytes(i));
            bytes += workload.bytes(i);
            files.add(new StageFile(path, LIFETIME));
        }

        long wallStart = System.nanoTime();
        List<String> requests = new ArrayList<>();
        for (int from = 0; from < files.size(); from += REQUEST_SIZE) {
            requests.add(tape.stage(files.subList(from, Math.min(files.size(), from + REQUEST_SIZE))));
        }
        // Play until nothing is left to happen: every recall done and every pin expired.
        long events = 0;
        for (Optional<Instant> next = tape.nextEvent(); next.isPresent(); next = tape.nextEvent()) {
            clock.now = next.get();
            tape.tick();
            events++;
        }
        long wallNanos = System.nanoTime() - wallStart;
        Instant lastCompletion = start;
        for (String id : requests) {
            StageRequestStatus status = tape.status(id);
            long notCompleted = status.files().stream().filter(f -> f.state() != StageState.COMPLETED).count();
            if (status.completedAt() == null || notCompleted > 0) {
                throw new BenchmarkFailed("stage request " + id + " has " + notCompleted + " files not completed");
            }
            lastCompletion = status.completedAt().isAfter(lastCompletion) ? status.completedAt() : lastCompletion;
        }
        double makespan = Duration.between(start, lastCompletion).toMillis() / 1000.0;
        double throughput = bytes / makespan / 1e6;
        double bound = settings.drives() * settings.driveBandwidth() / 1e6;
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("scenario", Options.TAPE_RECALL);
        figures.put("files", workload.files());
        figures.put("bytes", bytes);
        figures.put("drives", settings.drives());
        figures.put("drive_mb_per_s", settings.driveBandwidth() / 1e6);
        figures.put("mount_s", settings.mountLatency().toSeconds());
        figures.put("positioning_s", settings.positioningTime().toSeconds());
        figures.put("buffer_bytes", settings.bufferCapacity());
        figures.put("cartridges", CARTRIDGES);
        figures.put("simulated_makespan_h", Math.round(makespan / 36.0) / 100.0);
        figures.put("simulated_mb_per_s", Math.round(throughput * 10) / 10.0);
        figures.put("drive_bound_mb_per_s", bound);
        figures.put("share_of_drive_bound", Math.round(throughput / bound * 1000) / 1000.0);
        figures.put("buffer_peak_bytes", tape.bufferPeakBytes());
        figures.put("events", events);
        figures.put("wall_ms", wallNanos / 1_000_000);
        return figures;
    }
}
