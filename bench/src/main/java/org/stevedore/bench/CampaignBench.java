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
import java.util.UUID;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.store.Store;
import org.stevedore.tape.campaign.BatchRepositories;
import org.stevedore.tape.campaign.CampaignJobs;
import org.stevedore.tape.campaign.CampaignPins;
import org.stevedore.tape.campaign.CampaignSettings;
import org.stevedore.tape.campaign.StagingScheduler;
import org.stevedore.tape.campaign.Window;
import org.stevedore.tape.emulator.TapeEmulator;
import org.stevedore.tape.emulator.TapeEmulatorSettings;
import org.stevedore.tape.endpoint.StageFile;
import org.stevedore.tape.endpoint.StageRequestStatus;
import org.stevedore.tape.endpoint.TapeEndpoint;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.pin.PinReleaser;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.CampaignStore;
import org.stevedore.tape.store.NewCampaign;
import org.stevedore.tape.store.PinHold;
import org.stevedore.tape.store.PinStore;
import org.stevedore.tape.store.StagedFileDemand;

/**
 * {@code campaign}: one campaign of N files (the workload's sizes, 100 MB to 1 GB) on an emulated tape of 4 drives
 * at 400 MB/s with 90 s mounts, window W files, run by the real Spring Batch job (H2 in memory) against a fresh store.
 * Emulated time: the campaign's waits move a simulated clock, so hours of tape run in seconds and the figures are
 * those of the emulated library, while the scheduler's CPU time is real. Files were written to tape in path order by
 * all drives at once, so consecutive paths sit on different cartridges (the cartridges are filled round robin).
 *
 * <p>Figures: achieved throughput (bytes staged over the time from the first stage request to the last file on disk,
 * as the library reports it) as a fraction of the drives' bandwidth, also with the mounts' time taken out; CPU time
 * of the whole JVM per file (scheduler, store and embedded Neo4j together) and wall time.
 */
final class CampaignBench {

    private static final String TAPE = "BENCH_TAPE";
    private static final int DRIVES = 4;
    private static final long BANDWIDTH = 400_000_000L;
    private static final Duration MOUNT = Duration.ofSeconds(90);
    private static final long TAPE_CAPACITY = 18_000_000_000_000L;
    private static final Duration POLL = Duration.ofSeconds(30);

    /** A clock moved by the campaign's waits. */
    static final class SimulatedClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

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

    /** Counts stage calls and notes when the library last reported a file on disk. */
    static final class Observed implements TapeEndpoint {
        final TapeEndpoint delegate;
        final SimulatedClock clock;
        Instant firstStage;
        long stageCalls;
        long stagedPaths;

        Observed(TapeEndpoint delegate, SimulatedClock clock) {
            this.delegate = delegate;
            this.clock = clock;
        }

        @Override
        public String stage(List<StageFile> files) {
            if (firstStage == null) {
                firstStage = clock.instant();
            }
            stageCalls++;
            stagedPaths += files.size();
            return delegate.stage(files);
        }

        @Override
        public StageRequestStatus status(String requestId) {
            return delegate.status(requestId);
        }

        @Override
        public void cancel(String requestId, List<String> paths) {
            delegate.cancel(requestId, paths);
        }

        @Override
        public void release(String requestId, List<String> paths) {
            delegate.release(requestId, paths);
        }

        @Override
        public void forget(String requestId) {
            delegate.forget(requestId);
        }

        @Override
        public List<org.stevedore.tape.endpoint.ArchiveInfo> archiveInfo(List<String> paths) {
            return delegate.archiveInfo(paths);
        }
    }

    private final Options options;

    CampaignBench(Options options) {
        this.options = options;
    }

    Map<String, Object> run() {
        try (TempStore temp = TempStore.open(options, "campaign")) {
            Store store = temp.store();
            SimulatedClock clock = new SimulatedClock();
            Catalog catalog = Catalog.of(store, clock);
            Workload w = new Workload("bench", "mc16_13tev", TAPE, options.files(), options.datasetSize());
            accountScopeAndTape(catalog, w);
            List<String> inputs = new ArrayList<>();
            for (int d = 0; d < w.datasets(); d++) {
                DidRef ds = w.dataset(d);
                catalog.dids().add(List.of(NewDid.collection(ds.scope(), ds.name(), DidType.DATASET, w.account())));
                catalog.replicas().add(TAPE, w.replicas(d), w.account(), true, ds);
                inputs.add(ds.key());
            }
            long totalBytes = w.totalBytes();
            int cartridges = (int) Math.max(DRIVES, (totalBytes + TAPE_CAPACITY - 1) / TAPE_CAPACITY);
            TapeEmulator emulator = TapeEmulator.inMemory(new TapeEmulatorSettings(DRIVES, MOUNT, BANDWIDTH,
                    Duration.ZERO, Math.max(totalBytes, 1), TAPE_CAPACITY), clock);
            List<String[]> paths = new ArrayList<>();
            store.stream("MATCH (f:Did)-[r:REPLICA]->(:Rse {rse: $rse}) RETURN r.path AS path, f.bytes AS bytes",
                    Map.of("rse", TAPE), r -> paths.add(new String[] {r.get("path").asString(),
                            Long.toString(r.get("bytes").asLong())}));
            paths.sort((a, b) -> a[0].compareTo(b[0]));
            for (int i = 0; i < paths.size(); i++) {
                emulator.register(paths.get(i)[0], "C" + (i % cartridges), Long.parseLong(paths.get(i)[1]));
            }
            Observed endpoint = new Observed(emulator, clock);

            DriverManagerDataSource h2 = new DriverManagerDataSource(
                    "jdbc:h2:mem:bench-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
            BatchRepositories.initializeSchema(h2, "h2");
            DataSourceTransactionManager transactions = new DataSourceTransactionManager(h2);
            JobRepository repository = BatchRepositories.jobRepository(h2, transactions);
            CampaignStore campaigns = new CampaignStore(store, clock, StagedFileDemand.none());
            PinStore pinStore = new PinStore(store, clock);
            Window endpointWindow = new Window(options.window(), Long.MAX_VALUE);
            CampaignJobs jobs = new CampaignJobs(repository, transactions,
                    BatchRepositories.launcher(repository, new SyncTaskExecutor()), campaigns,
                    TapeEndpoints.of(Map.of(TAPE, endpoint)), new StagingScheduler(rse -> endpointWindow),
                    new CampaignSettings(200, POLL, Duration.ofMinutes(30), 5_000), clock, (d, stop) -> clock.advance(d),
                    List.of(new CampaignPins(pinStore, campaigns, Duration.ofDays(7), clock)));
            Campaign campaign = campaigns.create(new NewCampaign(w.account(), inputs, TAPE, Duration.ofDays(7),
                    options.window(), Long.MAX_VALUE, 3, null));

            long cpu0 = CpuClock.nanos();
            long wall0 = System.nanoTime();
            JobExecution execution = jobs.launch(campaign.id());
            long wall = System.nanoTime() - wall0;
            long cpu = CpuClock.nanos() - cpu0;
            if (execution.getStatus() != BatchStatus.COMPLETED) {
                throw new BenchmarkFailed("the campaign job ended " + execution.getStatus() + ": "
                        + execution.getAllFailureExceptions());
            }
            Campaign done = campaigns.get(campaign.id());
            if (done.staged().files() != options.files() || endpoint.stagedPaths != options.files()) {
                throw new BenchmarkFailed("staged " + done.staged().files() + " files with " + endpoint.stagedPaths
                        + " stage requests for " + options.files() + " files");
            }
            Instant lastOnDisk = campaigns.files().lastStaged(campaign.id());
            long pins = pinStore.held(PinHold.campaign(campaign.id()));
            if (pins != options.files()) {
                throw new BenchmarkFailed("the campaign holds " + pins + " pins for " + options.files() + " staged files");
            }
            // Past the campaign's pin lifetime nothing needs the pins: the releaser lets them all go at the tape.
            clock.advance(Duration.ofDays(8));
            PinReleaser releaser = new PinReleaser(pinStore, TapeEndpoints.of(Map.of(TAPE, emulator)), 5_000);
            long release0 = System.nanoTime();
            long released = 0;
            for (int n; (n = releaser.runOnce(Partition.whole()).items()) > 0; ) {
                released += n;
            }
            long releaseWall = System.nanoTime() - release0;
            if (released != options.files()) {
                throw new BenchmarkFailed("released " + released + " pins of " + options.files());
            }
            double seconds = Duration.between(endpoint.firstStage, lastOnDisk).toMillis() / 1000.0;
            double capacity = (double) DRIVES * BANDWIDTH;
            double mountSeconds = (double) cartridges * MOUNT.toSeconds() / DRIVES;
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("scenario", Options.CAMPAIGN);
            f.put("files", options.files());
            f.put("window", options.window());
            f.put("bytes", totalBytes);
            f.put("drives", DRIVES);
            f.put("drive_bandwidth_bytes_per_s", BANDWIDTH);
            f.put("cartridges", cartridges);
            f.put("stage_requests", endpoint.stageCalls);
            f.put("emulated_seconds", Math.round(seconds));
            f.put("throughput_fraction", round(totalBytes / seconds / capacity));
            f.put("throughput_fraction_mounts_paid", round(totalBytes / (seconds - mountSeconds) / capacity));
            f.put("poll_interval_s", POLL.toSeconds());
            f.put("cpu_us_per_file", cpu < 0 ? null : Math.round(cpu / 1_000.0 / options.files()));
            f.put("wall_seconds", round(wall / 1e9));
            f.put("pins_released", released);
            f.put("pin_release_per_s", Math.round(released / (releaseWall / 1e9)));
            return f;
        }
    }

    private static void accountScopeAndTape(Catalog catalog, Workload w) {
        catalog.accounts().add(w.account(), org.stevedore.catalog.account.AccountType.USER, w.account() + "@example.org");
        catalog.scopes().add(w.scope(), w.account());
        catalog.rses().add(TAPE, Map.of("rse_type", "TAPE"));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
