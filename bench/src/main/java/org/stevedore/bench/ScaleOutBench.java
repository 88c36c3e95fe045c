package org.stevedore.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import okhttp3.HttpUrl;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.StoreSettings;
import org.stevedore.catalog.time.Sleeper;
import org.stevedore.rules.evaluation.RuleRequest;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.LockOutcomes;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleState;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.testsupport.fts.Fts3Emulator;
import org.stevedore.testsupport.fts.Fts3EmulatorSettings;
import org.stevedore.testsupport.server.Neo4jServerProcess;
import org.stevedore.transfer.conveyor.Poller;
import org.stevedore.transfer.conveyor.Submitter;
import org.stevedore.transfer.conveyor.TransferTools;
import org.stevedore.transfer.fts.Fts3Auth;
import org.stevedore.transfer.fts.Fts3Client;
import org.stevedore.transfer.fts.Fts3Config;
import org.stevedore.transfer.fts.Fts3HttpClients;
import org.stevedore.transfer.store.RequestClaims;
import org.stevedore.transfer.store.RequestOutcomes;
import org.stevedore.transfer.store.RequestQueue;
import org.stevedore.transfer.store.RetryPolicy;

/**
 * {@code scale-out}: the transfer pipeline carried by 1, 2, ... N instances on one external Neo4j server. The server
 * is the embedded Neo4j in a JVM of its own ({@link Neo4jServerProcess}), as a deployment's server is its own
 * process; each instance has its own driver (its own connection pool and bookmark chain), its own FTS client and a
 * submitter and a poller on its partition of the queue, as the ownership framework hands them out. Per instance
 * count, on a fresh graph: a rule of {@code --files} files between two RSEs served by the FTS3 emulator (zero
 * transfer time), timed from the first claim until the rule is OK. Reported: files/s, the store process's CPU
 * (from {@code /proc/<pid>/stat}) against the benchmark JVM's (all instances), and files submitted to FTS more than
 * once (duplicate work). Then the release path the same way ({@link ScaleOutRelease}): jobs of the workload bridge
 * released per second by 1 ... N instances, the store's CPU share, and jobs released more than once. On 2 cores
 * shared by store and instances the point is the curves' shape, not their height.
 */
final class ScaleOutBench {

    private static final String SOURCE = "BENCH_SRC";
    private static final String DESTINATION = "BENCH_DST";
    private static final int POLL_BATCH = 2_000;
    private static final long IDLE_SLEEP_MS = 1_000;

    private final Options options;
    private final Clock clock;

    ScaleOutBench(Options options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    Map<String, Object> run() {
        Path home;
        try {
            home = options.dataDir() == null ? Files.createTempDirectory("stevedore-bench-scaleout")
                    : Files.createTempDirectory(Files.createDirectories(options.dataDir()), "stevedore-bench-scaleout");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (Neo4jServerProcess server = Neo4jServerProcess.start(home.resolve("neo4j"),
                List.of("-Xmx1g", "--add-opens=java.base/java.nio=ALL-UNNAMED"))) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("scenario", Options.SCALE_OUT);
            f.put("files", options.files());
            f.put("store", "neo4j 5.26 server process, " + server.boltUri());
            f.put("cores", Runtime.getRuntime().availableProcessors());
            int warmup = Math.min(options.warmupFiles(), options.files());
            if (warmup > 0) {
                round(server, 1, warmup); // untimed: the JIT meets the pipeline before the first timed round
            }
            List<Map<String, Object>> rounds = new ArrayList<>();
            for (int n = 1; n <= options.instances(); n++) {
                rounds.add(round(server, n, options.files()));
            }
            f.put("rounds", rounds);
            double base = ((Number) rounds.get(0).get("files_per_s")).doubleValue();
            Map<String, Object> speedup = new LinkedHashMap<>();
            for (Map<String, Object> r : rounds) {
                speedup.put(r.get("instances").toString(),
                        Math.round(((Number) r.get("files_per_s")).doubleValue() / base * 100) / 100.0);
            }
            f.put("speedup", speedup);
            f.put("duplicate_submissions", rounds.stream().mapToLong(r -> (Long) r.get("duplicate_submissions")).sum());
            // The release path: the same instance counts releasing the bridge's jobs as their transfers finish.
            if (warmup > 0) {
                releaseRound(server, 1, warmup);
            }
            List<Map<String, Object>> releaseRounds = new ArrayList<>();
            for (int n = 1; n <= options.instances(); n++) {
                releaseRounds.add(releaseRound(server, n, options.files()));
            }
            f.put("release_tasks", ScaleOutRelease.TASKS);
            f.put("release_rounds", releaseRounds);
            double releaseBase = ((Number) releaseRounds.get(0).get("jobs_per_s")).doubleValue();
            Map<String, Object> releaseSpeedup = new LinkedHashMap<>();
            for (Map<String, Object> r : releaseRounds) {
                releaseSpeedup.put(r.get("instances").toString(),
                        Math.round(((Number) r.get("jobs_per_s")).doubleValue() / releaseBase * 100) / 100.0);
            }
            f.put("release_speedup", releaseSpeedup);
            f.put("duplicate_releases", releaseRounds.stream().mapToLong(r -> (Long) r.get("duplicate_releases"))
                    .sum());
            f.put("load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            f.put("verified", true);
            return f;
        } finally {
            delete(home);
        }
    }

    private Map<String, Object> round(Neo4jServerProcess server, int instances, int files) {
        List<Store> stores = new ArrayList<>();
        try (Fts3Emulator fts = Fts3Emulator.start(Fts3EmulatorSettings.instant(), clock)) {
            for (int i = 0; i <= instances; i++) {
                stores.add(Store.open(new StoreSettings(server.boltUri(), server.username(), server.password(), null,
                        null, 0, 0, 0)));
            }
            Store admin = stores.get(0);
            wipe(admin);
            String host = HttpUrl.get(fts.endpoint()).toString();
            Workload w = new Workload("bench", "scaleout", SOURCE, files, options.datasetSize());
            String rule = queue(admin, w, host);

            List<Worker> workers = new ArrayList<>();
            List<Partition> partitions = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                Store store = stores.get(i + 1);
                Fts3Config config = Fts3Config.defaults(fts.endpoint());
                Fts3Client client = new Fts3Client(config, Fts3HttpClients.plain(config),
                        new Fts3Auth.BearerToken("bench"), clock, Sleeper.real());
                TransferTools tools = new TransferTools(Map.of(host, client), null);
                RuleStore rules = new RuleStore(store, clock, new RequestQueue());
                RseStore rses = new RseStore(store, clock);
                RseExpressionResolver resolver = new RseExpressionResolver(rses);
                workers.add(new Submitter(new RequestClaims(store, clock), rses, new RseProtocolStore(store), tools,
                        resolver::resolve, options.batch()));
                workers.add(new Poller(new RequestOutcomes(store, clock, new LockOutcomes(rules)), tools,
                        RetryPolicy.defaults(), POLL_BATCH));
                partitions.add(new Partition(i, instances));
                partitions.add(new Partition(i, instances));
            }
            long storeCpu0 = processCpuNanos(server.pid());
            long benchCpu0 = CpuClock.nanos();
            long elapsed = carry(rule, new RuleQueries(admin), workers, partitions);
            long storeCpu = processCpuNanos(server.pid()) - storeCpu0;
            long benchCpu = CpuClock.nanos() - benchCpu0;
            long done = count(admin, "MATCH (q:Request {state: 'DONE'}) RETURN count(q)");
            long available = count(admin, "MATCH ()-[r:REPLICA {state: 'AVAILABLE'}]->(:Rse {rse: '" + DESTINATION
                    + "'}) RETURN count(r)");
            if (done != files || available != files) {
                throw new BenchmarkFailed(instances + " instances: expected " + files
                        + " DONE requests and AVAILABLE replicas, found " + done + " and " + available);
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("instances", instances);
            r.put("seconds", seconds(elapsed));
            r.put("files_per_s", Math.round(files / (elapsed / 1e9)));
            r.put("store_cpu_s", seconds(storeCpu));
            r.put("instances_cpu_s", seconds(benchCpu));
            r.put("store_cpu_share", Math.round(storeCpu * 1000.0 / Math.max(1, storeCpu + benchCpu)) / 1000.0);
            r.put("store_cores_busy", Math.round(storeCpu * 100.0 / elapsed) / 100.0);
            r.put("fts_jobs", fts.jobCount());
            r.put("duplicate_submissions", fts.submittedFiles() - fts.distinctDestinations());
            return r;
        } finally {
            stores.forEach(Store::close);
        }
    }

    private Map<String, Object> releaseRound(Neo4jServerProcess server, int instances, int jobs) {
        List<Store> stores = new ArrayList<>();
        try {
            for (int i = 0; i <= instances; i++) {
                stores.add(Store.open(new StoreSettings(server.boltUri(), server.username(), server.password(), null,
                        null, 0, 0, 0)));
            }
            return new ScaleOutRelease(clock).round(stores, server.pid(), instances, jobs);
        } finally {
            stores.forEach(Store::close);
        }
    }

    /** A fresh graph for the round (the schema stays). */
    static void wipe(Store store) {
        store.runAutoCommit("MATCH (n) WHERE NOT n:SchemaVersion CALL { WITH n DETACH DELETE n } "
                + "IN TRANSACTIONS OF 10000 ROWS");
    }

    private String queue(Store store, Workload w, String ftsHost) {
        Catalog catalog = Catalog.of(store, clock);
        catalog.prepare(w);
        catalog.rses().add(DESTINATION);
        RseProtocolStore protocols = new RseProtocolStore(store);
        for (String rse : List.of(SOURCE, DESTINATION)) {
            catalog.rses().setAttribute(rse, "fts", ftsHost);
            protocols.add(rse, Map.of("scheme", "davs", "hostname", rse.toLowerCase().replace('_', '-')
                    + ".example.org", "port", 443, "prefix", "/data", "domains", Map.of("wan", Map.of("read", 1,
                    "write", 1, "delete", 1, "third_party_copy_read", 1, "third_party_copy_write", 1))));
        }
        RuleStore rules = new RuleStore(store, clock, new RequestQueue());
        RseExpressionResolver resolver = new RseExpressionResolver(catalog.rses());
        RuleService service = new RuleService(catalog.dids(), rules, new RuleInputs(store), catalog.rses(),
                catalog.accounts(), new AccountLimitStore(store), resolver::resolve, clock,
                RuleService.Settings.defaults(), RandomGenerator.getDefault());
        DidRef dataset = new DidRef(w.scope(), "bench.scaleout.dataset");
        catalog.dids().add(List.of(NewDid.collection(dataset.scope(), dataset.name(), DidType.DATASET, w.account())));
        for (int d = 0; d < w.datasets(); d++) {
            catalog.replicas().add(w.rse(), w.replicas(d), w.account(), false, dataset);
        }
        String rule = service.add(RuleRequest.of(List.of(dataset), 1, DESTINATION), w.account()).get(0);
        service.applyPending(rule);
        long queued = count(store, "MATCH (q:Request {state: 'QUEUED'}) RETURN count(q)");
        if (queued != w.files()) {
            throw new BenchmarkFailed("expected " + w.files() + " QUEUED requests, found " + queued);
        }
        return rule;
    }

    /** Every worker on its own thread, looping as its daemon does, until the rule is OK; the wall time. */
    private static long carry(String rule, RuleQueries rules, List<Worker> workers, List<Partition> partitions) {
        long started = System.nanoTime();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            Worker worker = workers.get(i);
            Partition partition = partitions.get(i);
            Thread t = new Thread(() -> {
                try {
                    while (!done.get()) {
                        if (!worker.runOnce(partition).didWork()) {
                            Thread.sleep(IDLE_SLEEP_MS);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-" + worker.executable() + "-" + partition.index());
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        long deadline = started + 30L * 60 * 1_000_000_000L;
        try {
            while (failure.get() == null && System.nanoTime() < deadline && rules.get(rule).state() != RuleState.OK) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailed("interrupted");
        } finally {
            done.set(true);
            for (Thread t : threads) {
                try {
                    t.join(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        long elapsed = System.nanoTime() - started;
        if (failure.get() != null) {
            throw new BenchmarkFailed("a conveyor thread failed: " + failure.get());
        }
        if (rules.get(rule).state() != RuleState.OK) {
            throw new BenchmarkFailed("rule " + rule + " not OK after 30 minutes");
        }
        return elapsed;
    }

    /** User + system CPU of a process from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s). */
    static long processCpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long count(Store store, String cypher) {
        return store.read(tx -> tx.run(cypher).single().get(0).asLong());
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1000.0;
    }

    private static void delete(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
