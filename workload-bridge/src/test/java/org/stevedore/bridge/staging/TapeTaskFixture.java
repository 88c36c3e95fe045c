package org.stevedore.bridge.staging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.zip.Adler32;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.stevedore.bridge.BridgeFixture;
import org.stevedore.bridge.output.OutputRegistrar;
import org.stevedore.bridge.pin.TaskPins;
import org.stevedore.bridge.store.JobOutputs;
import org.stevedore.bridge.store.TaskFileDemand;
import org.stevedore.bridge.task.BridgeService;
import org.stevedore.bridge.task.BridgeSettings;
import org.stevedore.bridge.task.TaskCampaigns;
import org.stevedore.bridge.task.TaskEnder;
import org.stevedore.bridge.task.TaskRegistrar;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseType;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.time.Sleeper;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.tape.campaign.BatchRepositories;
import org.stevedore.tape.campaign.CampaignJobs;
import org.stevedore.tape.campaign.CampaignService;
import org.stevedore.tape.campaign.CampaignSettings;
import org.stevedore.tape.campaign.LocalTape;
import org.stevedore.tape.campaign.StagingScheduler;
import org.stevedore.tape.campaign.Window;
import org.stevedore.tape.emulator.TapeEmulator;
import org.stevedore.tape.emulator.TapeEmulatorSettings;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.store.CampaignStore;
import org.stevedore.transfer.conveyor.Poller;
import org.stevedore.transfer.conveyor.Submitter;
import org.stevedore.transfer.conveyor.TransferTools;
import org.stevedore.transfer.local.LocalCopier;
import org.stevedore.transfer.local.LocalTransferTool;
import org.stevedore.transfer.store.RetryPolicy;

/**
 * The bridge of {@link BridgeFixture} with the tape-staging path: a tape RSE {@code TAPE_1} served by the tape emulator
 * on directories (an endpoint, as LOCAL_TAPE has), a tape RSE {@code OLD_TAPE} without one, {@code file} protocols on
 * {@code SRC}, {@code DISK_A} and the tapes, the conveyor with the local transfer tool, and campaigns run by Spring
 * Batch in the caller's thread. Each wait of a campaign moves the clock on and runs a round of the rules engine, the
 * conveyor and the release worker, so a task registered here runs to its end inside the registration call unless the
 * test pauses its campaign.
 */
final class TapeTaskFixture implements AutoCloseable {

    static final String TAPE = "TAPE_1";

    final BridgeFixture b;
    final Path root;
    final TapeEmulator emulator;
    final CampaignStore campaigns;
    final CampaignJobs jobs;
    final CampaignService campaignService;
    final BridgeService service;
    final TaskRegistrar registrar;
    final TaskEnder ender;
    final LocalCopier copier = new LocalCopier(2);
    final Submitter submitter;
    final Poller poller;
    Runnable onWait = () -> { };
    int waits;

    TapeTaskFixture(Store store, MutableClock clock, Path root) {
        this.root = root;
        b = new BridgeFixture(store, clock);
        b.rses.add(TAPE, Map.of("rse_type", "TAPE"));
        b.rses.add("OLD_TAPE", Map.of("rse_type", "TAPE"));
        RseProtocolStore protocols = new RseProtocolStore(store);
        for (String rse : List.of("SRC", "DISK_A", TAPE, "OLD_TAPE")) {
            protocols.add(rse, Map.of("scheme", "file", "prefix", dir(rse).toString(),
                    "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1))));
        }
        RseExpressionResolver resolver = new RseExpressionResolver(b.rses);
        TransferTools tools = new TransferTools(Map.of(LocalTransferTool.HOST, new LocalTransferTool(copier)),
                LocalTransferTool.HOST);
        submitter = new Submitter(b.claims, b.rses, protocols, tools, resolver::resolve, 100);
        poller = new Poller(b.outcomes, tools, RetryPolicy.immediate(2), 100);
        campaigns = new CampaignStore(store, clock, new TaskFileDemand(clock));
        // 2 drives at 1 MB/s, 5 s to mount.
        emulator = TapeEmulator.onDirectories(new TapeEmulatorSettings(2, Duration.ofSeconds(5), 1_000_000,
                Duration.ZERO, 1_000_000_000L, 1_000_000_000L), clock, dir(TAPE), root.resolve("buffer"));
        TapeEndpoints endpoints = TapeEndpoints.of(Map.of(TAPE, new LocalTape(emulator, dir(TAPE))));
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:batch-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        BatchRepositories.initializeSchema(h2, "h2");
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(h2);
        var repository = BatchRepositories.jobRepository(h2, transactions);
        CampaignSettings settings = new CampaignSettings(2, Duration.ofSeconds(5), Duration.ofMinutes(5), 100);
        Sleeper waits = (d, stop) -> {
            if (++this.waits > 2_000) {
                throw new IllegalStateException("the campaign did not end after 2,000 waits");
            }
            clock.advance(d);
            onWait.run();
            work();
        };
        jobs = new CampaignJobs(repository, transactions, BatchRepositories.launcher(repository, new SyncTaskExecutor()),
                campaigns, endpoints, new StagingScheduler(rse -> new Window(100, 100_000_000)), settings, clock, waits);
        campaignService = new CampaignService(campaigns, b.dids, resolver::resolve, jobs, endpoints, settings, clock);
        BridgeSettings bridgeSettings = BridgeSettings.defaults().withServiceAccount("root");
        java.util.function.Function<String, List<String>> diskRses = e -> resolver.resolve(e).stream()
                .filter(r -> r.rseType() != RseType.TAPE).map(Rse::id).toList();
        TaskCampaigns tapeInputs = new TaskCampaigns(campaignService, endpoints, 100, 100_000_000);
        TaskPins pins = new TaskPins(b.ruleService, bridgeSettings.activity());
        service = new BridgeService(b.bridge, b.leases, b.notifier, clock, bridgeSettings, tapeInputs);
        registrar = new TaskRegistrar(service, b.registrations, new ScopeStore(store, clock), b.accounts, pins, b.gate, diskRses,
                clock, bridgeSettings, tapeInputs);
        ender = new TaskEnder(service, b.endings, pins, new OutputRegistrar(new JobOutputs(store, b.dids, b.replicas,
                b.attachments)), clock, tapeInputs);
    }

    Path dir(String rse) {
        return root.resolve(rse.toLowerCase());
    }

    /** One round of the rules engine, the conveyor (with the copies it starts) and the release worker. */
    void work() throws InterruptedException {
        b.drainReevaluation();
        submitter.runOnce(Partition.whole());
        Thread.sleep(20);
        poller.runOnce(Partition.whole());
        b.worker.runOnce(Partition.whole());
    }

    /** Files {@code s:<prefix>0..n-1} of {@code bytes} random bytes written under {@code rse}'s prefix and registered there. */
    List<String> files(String prefix, int n, int bytes, String rse) {
        List<NewReplica> files = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        Random random = new Random(prefix.hashCode());
        for (int i = 0; i < n; i++) {
            String name = prefix + i;
            byte[] content = new byte[bytes];
            random.nextBytes(content);
            Path path = dir(rse).resolve(Lfn2Pfn.hash("s", name));
            try {
                Files.createDirectories(path.getParent());
                Files.write(path, content);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Adler32 adler = new Adler32();
            adler.update(content);
            files.add(NewReplica.of("s", name, bytes, "%08x".formatted(adler.getValue())));
            keys.add("s:" + name);
        }
        b.replicas.add(rse, files, "jdoe", true, null);
        return keys;
    }

    boolean availableOn(String fileKey, String rse) {
        return b.count("""
                MATCH (:Did {key: $key})-[r:REPLICA {state: 'AVAILABLE'}]->(:Rse {rse: $rse}) RETURN count(r)
                """, Map.of("key", fileKey, "rse", rse)) > 0;
    }

    boolean inDataset(String datasetKey, String fileKey) {
        return b.count("MATCH (:Did {key: $ds})-[c:CONTAINS]->(:Did {key: $key}) RETURN count(c)",
                Map.of("ds", datasetKey, "key", fileKey)) > 0;
    }

    @Override
    public void close() {
        copier.close();
    }
}
