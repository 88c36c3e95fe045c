package org.stevedore.tape.campaign;

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
import java.util.random.RandomGenerator;
import java.util.zip.Adler32;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.time.Sleeper;
import org.stevedore.rules.evaluation.RuleMaintenance;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.LockOutcomes;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.rules.workers.RuleReevaluator;
import org.stevedore.tape.emulator.TapeEmulator;
import org.stevedore.tape.emulator.TapeEmulatorSettings;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.store.CampaignStore;
import org.stevedore.tape.store.StagedFileDemand;
import org.stevedore.transfer.conveyor.Poller;
import org.stevedore.transfer.conveyor.Submitter;
import org.stevedore.transfer.conveyor.TransferTools;
import org.stevedore.transfer.local.LocalCopier;
import org.stevedore.transfer.local.LocalTransferTool;
import org.stevedore.transfer.store.RequestClaims;
import org.stevedore.transfer.store.RequestOutcomes;
import org.stevedore.transfer.store.RequestQueue;
import org.stevedore.transfer.store.RetryPolicy;

/**
 * Campaigns whose staged files go on to a disk RSE, with every piece real: the tape RSE {@code TAPE_1} is the tape
 * emulator on directories (its cartridges are files under its {@code file} protocol's prefix, as LOCAL_TAPE is), the
 * disk RSE {@code DISK_1} is posix, the rules engine locks what is attached, and the conveyor (submitter, poller) copies
 * with the local transfer tool. Time is a mutable clock; each wait of a campaign moves it on and runs one round of the
 * rules engine's re-evaluation and the conveyor, so a whole campaign, copies included, runs in the test's thread.
 */
final class CopyFixture implements AutoCloseable {

    static final String TAPE = "TAPE_1";
    static final String DISK = "DISK_1";

    final Store store;
    final Path root;
    final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    final DidStore dids;
    final ReplicaStore replicas;
    final RseStore rses;
    final RuleStore rules;
    final RuleQueries queries;
    final RuleService ruleService;
    final RuleMaintenance maintenance;
    final CampaignStore campaigns;
    final TapeEmulator emulator;
    final JobRepository repository;
    final CampaignJobs jobs;
    final CampaignService service;
    final LocalCopier copier = new LocalCopier(2);
    final RuleReevaluator reevaluator;
    final Submitter submitter;
    final Poller poller;
    /** Runs at each wait, before the workers (a test's way to act in the middle of a campaign). */
    Runnable onWait = () -> { };
    int waits;

    CopyFixture(Store store, Path root, CampaignSettings settings) {
        this.store = store;
        this.root = root;
        dids = new DidStore(store, clock);
        UpdatedDidQueue queue = new UpdatedDidQueue(store);
        AttachmentStore attachments = new AttachmentStore(store, clock, queue);
        replicas = new ReplicaStore(store, clock, dids, attachments);
        rses = new RseStore(store, clock);
        RseProtocolStore protocols = new RseProtocolStore(store);
        AccountStore accounts = new AccountStore(store, clock);
        accounts.add("prod", AccountType.USER, null);
        new ScopeStore(store, clock).add("run8", "prod");
        rses.add(TAPE, Map.of("rse_type", "TAPE"));
        rses.add(DISK);
        for (String rse : List.of(TAPE, DISK)) {
            protocols.add(rse, Map.of("scheme", "file", "prefix", dir(rse).toString(),
                    "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1))));
        }
        rules = new RuleStore(store, clock, new RequestQueue());
        queries = new RuleQueries(store);
        RseExpressionResolver resolver = new RseExpressionResolver(rses);
        RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
        ruleService = new RuleService(dids, rules, new RuleInputs(store), rses, accounts, new AccountLimitStore(store),
                resolver::resolve, clock, RuleService.Settings.defaults(), random);
        maintenance = new RuleMaintenance(rules, new RuleInputs(store), rses, new AccountLimitStore(store),
                resolver::resolve, clock, ruleService.settings(), random);
        reevaluator = new RuleReevaluator(queue, maintenance, 100);
        TransferTools tools = new TransferTools(Map.of(LocalTransferTool.HOST, new LocalTransferTool(copier)),
                LocalTransferTool.HOST);
        RequestClaims claims = new RequestClaims(store, clock);
        RequestOutcomes outcomes = new RequestOutcomes(store, clock, new LockOutcomes(rules));
        submitter = new Submitter(claims, rses, protocols, tools, resolver::resolve, 100);
        poller = new Poller(outcomes, tools, RetryPolicy.immediate(2), 100);
        campaigns = new CampaignStore(store, clock, StagedFileDemand.none());
        // 2 drives at 1 MB/s, 5 s to mount.
        emulator = TapeEmulator.onDirectories(new TapeEmulatorSettings(2, Duration.ofSeconds(5), 1_000_000, Duration.ZERO,
                1_000_000_000L, 1_000_000_000L), clock, dir(TAPE), root.resolve("buffer"));
        StagingScheduler scheduler = new StagingScheduler(rse -> new Window(100, 100_000_000));
        TapeEndpoints endpoints = TapeEndpoints.of(Map.of(TAPE, new LocalTape(emulator, dir(TAPE))));
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:batch-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        BatchRepositories.initializeSchema(h2, "h2");
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(h2);
        repository = BatchRepositories.jobRepository(h2, transactions);
        Sleeper waits = (d, stop) -> waitAndWork(d);
        jobs = new CampaignJobs(repository, transactions, BatchRepositories.launcher(repository, new SyncTaskExecutor()),
                campaigns, endpoints, scheduler, settings, clock, waits);
        service = new CampaignService(campaigns, dids, resolver::resolve, jobs, endpoints, settings, clock,
                new CampaignCopies(dids, ruleService, resolver::resolve));
    }

    Path dir(String rse) {
        return root.resolve(rse.toLowerCase());
    }

    /** The clock moves on by {@code d}; the rules engine and the conveyor run one round, with the copies it starts. */
    private void waitAndWork(Duration d) throws InterruptedException {
        if (++waits > 5_000) {
            throw new IllegalStateException("the campaign did not end after 5,000 waits");
        }
        clock.advance(d);
        onWait.run();
        work();
    }

    void work() throws InterruptedException {
        while (reevaluator.runOnce(Partition.whole()).didWork()) {
            // drain
        }
        submitter.runOnce(Partition.whole());
        Thread.sleep(20);
        poller.runOnce(Partition.whole());
    }

    /**
     * A dataset of {@code n} files of {@code bytes} random bytes each, written on the tape's directory and registered
     * on the tape RSE; answers their contents by name. {@code badChecksum} registers a wrong adler32 for the first file.
     */
    Map<String, byte[]> dataset(String name, int n, int bytes, boolean badChecksum) {
        dids.add(List.of(NewDid.collection("run8", name, DidType.DATASET, "prod")));
        Map<String, byte[]> contents = new java.util.LinkedHashMap<>();
        List<NewReplica> files = new ArrayList<>();
        Random random = new Random(name.hashCode());
        for (int i = 0; i < n; i++) {
            String f = "%s.%04d.raw".formatted(name, i);
            byte[] content = new byte[bytes];
            random.nextBytes(content);
            Path path = dir(TAPE).resolve(Lfn2Pfn.hash("run8", f));
            try {
                Files.createDirectories(path.getParent());
                Files.write(path, content);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Adler32 adler = new Adler32();
            adler.update(content);
            String sum = badChecksum && i == 0 ? "00000bad" : "%08x".formatted(adler.getValue());
            files.add(NewReplica.of("run8", f, bytes, sum));
            contents.put(f, content);
        }
        replicas.add(TAPE, files, "prod", true, new DidRef("run8", name));
        return contents;
    }

    Path onDisk(String name) {
        return dir(DISK).resolve(Lfn2Pfn.hash("run8", name));
    }

    long count(String cypher, Map<String, Object> params) {
        return store.read(tx -> tx.run(cypher, params).single().get(0).asLong());
    }

    @Override
    public void close() {
        copier.close();
    }
}
