package org.stevedore.tape.campaign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.core.task.TaskExecutor;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.daemon.Instances;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.time.Sleeper;
import org.stevedore.tape.emulator.TapeEmulator;
import org.stevedore.tape.emulator.TapeEmulatorSettings;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.store.CampaignStore;
import org.stevedore.tape.store.PinStore;
import org.stevedore.tape.store.StagedFileDemand;

/**
 * A tape RSE served by the tape emulator, datasets whose files have replicas there, and the campaign machinery on a
 * real Spring Batch job repository (H2 in memory) and the real store. Time is a mutable clock: a campaign waiting for
 * its window moves the clock on, and the emulator plays forward to it, so a whole campaign runs in the test's thread.
 * Staged files are pinned in the catalog ({@link CampaignPins}), with a fallback cap of 7 days.
 */
final class CampaignFixture {

    static final String TAPE = "TAPE_1";

    final Store store;
    final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    final DidStore dids;
    final ReplicaStore replicas;
    final RseStore rses;
    final CampaignStore campaigns;
    final TapeEmulator emulator;
    final WatchedEndpoint endpoint;
    final StagingScheduler scheduler;
    final JobRepository repository;
    final CampaignJobs jobs;
    final CampaignService service;
    final PinStore pins;
    final CampaignPins campaignPins;
    final TapeEndpoints endpoints;
    private final DataSourceTransactionManager transactions;
    private final TaskExecutor executor;
    private final CampaignSettings settings;

    CampaignFixture(Store store, Window endpointWindow, CampaignSettings settings) {
        this(store, endpointWindow, settings, new SyncTaskExecutor());
    }

    /** @param executor runs the campaign jobs: in the caller's thread (the default), or apart, for campaigns at once */
    CampaignFixture(Store store, Window endpointWindow, CampaignSettings settings, TaskExecutor executor) {
        this.store = store;
        dids = new DidStore(store, clock);
        AttachmentStore attachments = new AttachmentStore(store, clock, new UpdatedDidQueue(store));
        replicas = new ReplicaStore(store, clock, dids, attachments);
        rses = new RseStore(store, clock);
        campaigns = new CampaignStore(store, clock, StagedFileDemand.none());
        new AccountStore(store, clock).add("prod", AccountType.USER, null);
        new ScopeStore(store, clock).add("run8", "prod");
        rses.add(TAPE, Map.of("rse_type", "TAPE"));
        rses.add("DISK_1");
        // 2 drives at 100 bytes/s, 5 s to mount: a 1,000-byte file takes 10 s.
        emulator = TapeEmulator.inMemory(new TapeEmulatorSettings(2, Duration.ofSeconds(5), 100, Duration.ZERO,
                1_000_000_000L, 1_000_000L), clock);
        scheduler = new StagingScheduler(rse -> endpointWindow);
        endpoint = new WatchedEndpoint(emulator, store, scheduler, endpointWindow);
        endpoints = TapeEndpoints.of(Map.of(TAPE, endpoint));
        pins = new PinStore(store, clock);
        campaignPins = new CampaignPins(pins, campaigns, Duration.ofDays(7), clock);

        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:batch-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        BatchRepositories.initializeSchema(h2, "h2");
        transactions = new DataSourceTransactionManager(h2);
        this.executor = executor;
        this.settings = settings;
        repository = BatchRepositories.jobRepository(h2, transactions);
        Sleeper waits = (d, stop) -> clock.advance(d);
        jobs = new CampaignJobs(repository, transactions, BatchRepositories.launcher(repository, executor),
                campaigns, endpoints, scheduler, settings, clock, waits, List.of(campaignPins));
        service = new CampaignService(campaigns, dids, expression -> rses.get(expression), jobs, endpoints, settings,
                clock, campaignPins);
    }

    /** The campaign jobs of another instance of the service on the same store and job repository. */
    CampaignJobs jobsOf(Instances instances) {
        return new CampaignJobs(repository, transactions, BatchRepositories.launcher(repository, executor), campaigns,
                endpoints, scheduler, settings, clock, (d, stop) -> clock.advance(d), List.of(campaignPins), instances);
    }

    /** A dataset of {@code n} files of {@code bytes} each, on tape (registered with the emulator and the catalog). */
    List<String> dataset(String name, int n, long bytes) {
        dids.add(List.of(NewDid.collection("run8", name, DidType.DATASET, "prod")));
        List<NewReplica> files = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String f = "%s.%04d.raw".formatted(name, i);
            files.add(NewReplica.of("run8", f, bytes, "00000001"));
            names.add(f);
        }
        replicas.add(TAPE, files, "prod", true, new DidRef("run8", name));
        for (String f : names) {
            emulator.register(replicas.get(new DidRef("run8", f), TAPE).path(), bytes);
        }
        return names;
    }
}
