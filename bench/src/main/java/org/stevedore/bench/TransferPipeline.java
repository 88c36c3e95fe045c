package org.stevedore.bench;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import okhttp3.HttpUrl;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.store.Store;
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
 * {@code transfer-pipeline}: one rule of one copy on a dataset of N files whose replicas sit on another RSE; both RSEs
 * are served by the in-process FTS3 emulator with zero staging, queue and transfer time. Untimed: the files, the rule
 * and its N QUEUED requests. Timed: a submitter thread and a poller thread, each running its worker's cycles back to
 * back as the daemons do, from the first claim until the rule is OK (every replica AVAILABLE, every lock OK). Reports
 * files/s, the emulator's HTTP requests per 100 files (submissions, bulk polls, whoami), the heap allocated per file
 * by the whole JVM ({@link AllocationMeter}: steadier than the rates on a noisy machine) and the JIT compiler's time.
 * Before the timed files, {@code --warmup-files} others are carried the same way (see {@link #run}): their rate is
 * the cold figure ({@code cold_files_per_s}), quoted beside the warm one ({@code files_per_s}). Then
 * the floor under it: the same state changes as bare batched {@code UNWIND} Cypher ({@code raw_files_per_s}, see
 * {@link #raw}).
 */
final class TransferPipeline {

    private static final String SOURCE = "BENCH_SRC";
    private static final String DESTINATION = "BENCH_DST";
    private static final String RAW_TARGET = "BENCH_RAW";
    private static final String WARMUP_SCOPE = "warmup";
    /** Jobs a poller cycle looks at. */
    private static final int POLL_BATCH = 2_000;

    private final Options options;
    private final Clock clock;

    TransferPipeline(Options options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    Map<String, Object> run() {
        try (HeapMeter heap = HeapMeter.start(); TempStore temp = TempStore.open(options, "transfers");
             Fts3Emulator fts = Fts3Emulator.start(Fts3EmulatorSettings.instant(), clock)) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("scenario", Options.TRANSFER_PIPELINE);
            f.put("files", options.files());
            Store store = temp.store();
            Catalog catalog = Catalog.of(store, clock);
            Workload w = new Workload("bench", "mc16_13tev", SOURCE, options.files(), options.datasetSize());
            catalog.prepare(w);
            catalog.rses().add(DESTINATION);
            String host = HttpUrl.get(fts.endpoint()).toString();
            RseProtocolStore protocols = new RseProtocolStore(store);
            for (String rse : List.of(SOURCE, DESTINATION)) {
                catalog.rses().setAttribute(rse, "fts", host);
                protocols.add(rse, Map.of("scheme", "davs", "hostname", rse.toLowerCase().replace('_', '-')
                        + ".example.org", "port", 443, "prefix", "/data", "domains", Map.of("wan", Map.of("read", 1,
                        "write", 1, "delete", 1, "third_party_copy_read", 1, "third_party_copy_write", 1))));
            }
            RuleStore rules = new RuleStore(store, clock, new RequestQueue());
            RseExpressionResolver resolver = new RseExpressionResolver(catalog.rses());
            RuleService service = new RuleService(catalog.dids(), rules, new RuleInputs(store), catalog.rses(),
                    catalog.accounts(), new AccountLimitStore(store), resolver::resolve, clock,
                    RuleService.Settings.defaults(), RandomGenerator.getDefault());
            Fts3Config ftsConfig = Fts3Config.defaults(fts.endpoint());
            Fts3Client client = new Fts3Client(ftsConfig, Fts3HttpClients.plain(ftsConfig),
                    new Fts3Auth.BearerToken("bench"), clock, Sleeper.real());
            TransferTools tools = new TransferTools(Map.of(host, client), null);
            RequestClaims claims = new RequestClaims(store, clock);
            RequestOutcomes outcomes = new RequestOutcomes(store, clock, new LockOutcomes(rules));
            Submitter submitter = new Submitter(claims, catalog.rses(), protocols, tools, resolver::resolve,
                    options.batch());
            Poller poller = new Poller(outcomes, tools, RetryPolicy.defaults(), POLL_BATCH);

            long setup = System.nanoTime();
            String rule = queue(catalog, service, store, w, 3, w.files());
            f.put("setup_s", seconds(System.nanoTime() - setup));

            // Untimed: a first dataset carried the same way, after the setup, so that the timed files meet code the
            // JIT compiled for the pipeline, as in a running service. Its rule has the highest priority, so the
            // submitter claims its requests first; it stops once it submitted them all (whole claims: the warm-up is
            // rounded up to a multiple of --batch), and the poller once its rule is OK, before the timed run starts.
            int warmupFiles = roundUp(options.warmupFiles(), options.batch());
            f.put("warmup_files", warmupFiles);
            if (warmupFiles > 0) {
                Workload warm = new Workload(w.account(), WARMUP_SCOPE, SOURCE, warmupFiles, options.datasetSize());
                catalog.scopes().add(warm.scope(), warm.account());
                String warmRule = queue(catalog, service, store, warm, 5, warmupFiles + w.files());
                long coldJit0 = jitMillis();
                Carried warmed = carry(warmRule, new RuleQueries(store), upTo(submitter, warmupFiles), poller, null);
                long coldJit = jitMillis() - coldJit0;
                f.put("warmup_s", seconds(warmed.nanos()));
                // The warm-up is the cold start: the same pipeline in a JVM that has not run it yet (JIT, Cypher
                // plans, page cache), as a service just started meets its first files. Quoted beside the warm figure.
                f.put("cold_files_per_s", Math.round(warmupFiles / (warmed.nanos() / 1e9)));
                f.put("cold_jit_compile_s", coldJit < 0 ? null : seconds(coldJit * 1_000_000));
                long left = count(store, "MATCH (q:Request {state: 'QUEUED'}) RETURN count(q)");
                if (left != w.files()) {
                    throw new BenchmarkFailed("the warm-up took timed requests: " + left + " of " + w.files()
                            + " left QUEUED");
                }
                heap.countGcFromHere();
            }

            long jobsBefore = fts.jobCount();
            long requestsBefore = fts.requestCount();
            long cpu0 = CpuClock.nanos();
            long jit0 = jitMillis();
            AllocationMeter allocations = AllocationMeter.start();
            Carried carried = carry(rule, new RuleQueries(store), submitter, poller, allocations);
            long elapsed = carried.nanos();
            long cpu = CpuClock.nanos() - cpu0;
            long jit = jitMillis() - jit0;
            long allocatedMb = allocations == null ? -1 : allocations.megabytes();
            long available = count(store, "MATCH (:Did {scope: '" + w.scope() + "'})-[r:REPLICA {state: 'AVAILABLE'}]->"
                    + "(:Rse {rse: '" + DESTINATION + "'}) RETURN count(r)");
            long finished = count(store, "MATCH (q:Request {state: 'DONE'}) WHERE q.did_key STARTS WITH '" + w.scope()
                    + ":' RETURN count(q)");
            if (available != w.files() || finished != w.files()) {
                throw new BenchmarkFailed("expected " + w.files() + " AVAILABLE replicas and DONE requests, found "
                        + available + " and " + finished);
            }
            long httpRequests = fts.requestCount() - requestsBefore;
            f.put("seconds", seconds(elapsed));
            f.put("files_per_s", Math.round(w.files() / (elapsed / 1e9)));
            f.put("fts_jobs", fts.jobCount() - jobsBefore);
            f.put("fts_requests", httpRequests);
            f.put("fts_requests_per_100_files", Math.round(httpRequests * 10_000.0 / w.files()) / 100.0);
            f.put("submitter_busy_s", seconds(carried.submitNanos()));
            f.put("poller_busy_s", seconds(carried.pollNanos()));
            f.put("claim_size", options.batch());
            f.put("cpu_s", seconds(cpu));
            f.put("jit_compile_s", jit < 0 ? null : seconds(jit * 1_000_000));
            f.put("allocated_kb_per_file", allocatedMb < 0 ? null : allocatedMb * 1000 / w.files());
            // The collections of the timed run only: not the warm-up's (see above), nor the raw floor's after it.
            f.putAll(heap.figures());
            raw(store, w, catalog, f, w.files() / (elapsed / 1e9));
            f.put("load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            f.put("verified", true);
            return f;
        }
    }

    /**
     * The dataset of {@code w}'s files, their replicas on the source, and a rule of one copy on the destination at
     * {@code priority}; {@code queued}: the QUEUED requests there should be then.
     */
    private static String queue(Catalog catalog, RuleService service, Store store, Workload w, int priority,
                                long queued) {
        DidRef dataset = new DidRef(w.scope(), "bench.transfers.dataset");
        catalog.dids().add(List.of(NewDid.collection(dataset.scope(), dataset.name(), DidType.DATASET, w.account())));
        for (int d = 0; d < w.datasets(); d++) {
            catalog.replicas().add(w.rse(), w.replicas(d), w.account(), false, dataset);
        }
        String rule = service.add(RuleRequest.of(List.of(dataset), 1, DESTINATION).withPriority(priority), w.account())
                .get(0);
        service.applyPending(rule);
        long found = count(store, "MATCH (q:Request {state: 'QUEUED'}) RETURN count(q)");
        if (found != queued) {
            throw new BenchmarkFailed("expected " + queued + " QUEUED requests, found " + found);
        }
        return rule;
    }

    /** The submitter until it has submitted {@code files}, then nothing. */
    private static Worker upTo(Submitter submitter, int files) {
        AtomicLong submitted = new AtomicLong();
        return new Worker() {
            @Override
            public WorkResult runOnce(Partition partition) {
                if (submitted.get() >= files) {
                    return WorkResult.nothing();
                }
                WorkResult r = submitter.runOnce(partition);
                submitted.addAndGet(r.items());
                return r;
            }

            @Override
            public String executable() {
                return submitter.executable();
            }
        };
    }

    /**
     * Time the JIT compiler threads spent compiling so far, summed over them (-1 where the JVM does not tell): on two
     * cores, what they take is taken from the pipeline.
     */
    private static long jitMillis() {
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    private static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    private record Carried(long nanos, long submitNanos, long pollNanos) {
    }

    /**
     * Runs a submitter thread and a poller thread, each looping as its daemon does, from the first claim until the
     * rule is OK (every replica AVAILABLE, every lock OK): how long that took, and how long each worker was busy.
     */
    private static Carried carry(String rule, RuleQueries rules, Worker submitter, Poller poller,
                                 AllocationMeter allocations) {
        long started = System.nanoTime();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong submitNanos = new AtomicLong();
        AtomicLong pollNanos = new AtomicLong();
        Thread submitting = loop("bench-submitter", submitter, done, failure, submitNanos, allocations);
        Thread polling = loop("bench-poller", poller, done, failure, pollNanos, allocations);
        long deadline = started + 30L * 60 * 1_000_000_000L;
        try {
            while (failure.get() == null && System.nanoTime() < deadline
                    && rules.get(rule).state() != RuleState.OK) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailed("interrupted");
        } finally {
            done.set(true);
            join(submitting);
            join(polling);
        }
        long elapsed = System.nanoTime() - started;
        if (failure.get() != null) {
            throw new BenchmarkFailed("a conveyor thread failed: " + failure.get());
        }
        if (rules.get(rule).state() != RuleState.OK) {
            throw new BenchmarkFailed("rule " + rule + " not OK after 30 minutes");
        }
        return new Carried(elapsed, submitNanos.get(), pollNanos.get());
    }

    /**
     * The floor under the conveyor: the same files, into a second RSE of the same store, carried from QUEUED to
     * AVAILABLE by the bare state changes in batches of the store's size, with nothing chosen, checked or read back
     * and no FTS: per batch one statement records the job of each request (SUBMITTED with its job id, as a submission
     * must be recorded somewhere), one makes the request DONE, the replica AVAILABLE and the lock OK and moves the
     * rule's counters once. Untimed: the rule, its locks, COPYING replicas and QUEUED requests written raw first.
     */
    private static void raw(Store store, Workload w, Catalog catalog, Map<String, Object> f, double pipelineRate) {
        catalog.rses().add(RAW_TARGET);
        String rse = catalog.rses().get(RAW_TARGET).id();
        int batch = store.batchSize();
        List<List<Map<String, Object>>> batches = new ArrayList<>();
        for (int from = 0; from < w.files(); from += batch) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = from; i < Math.min(w.files(), from + batch); i++) {
                String key = w.scope() + ":" + w.fileName(i);
                rows.add(Map.of("key", key, "request", key + "|" + rse, "name", w.fileName(i),
                        "job", "raw-job-" + (i / 200), "bucket", Partition.bucket(key + "|" + rse)));
            }
            batches.add(rows);
        }
        long now = System.currentTimeMillis();
        store.write(tx -> tx.run("CREATE (:Rule {id: 'bench-raw', account: 'bench', state: 'REPLICATING', "
                + "locks_ok_cnt: 0, locks_replicating_cnt: $n, locks_stuck_cnt: 0})", Map.of("n", w.files())).consume());
        for (List<Map<String, Object>> rows : batches) {
            store.write(tx -> tx.run("""
                    MATCH (rule:Rule {id: 'bench-raw'})
                    MATCH (rse:Rse {id: $rse})
                    UNWIND $rows AS row
                    MATCH (f:Did {key: row.key})
                    CREATE (f)-[:REPLICA {state: 'COPYING', bytes: f.bytes, rse_id: $rse, path: row.name, lock_cnt: 1,
                                          created_at: $now, updated_at: $now}]->(rse)
                    CREATE (rule)-[:LOCK {rse_id: $rse, rse: rse.rse, bytes: f.bytes, state: 'REPLICATING',
                                          created_at: $now, updated_at: $now}]->(f)
                    CREATE (:Request {key: row.request, did_key: row.key, dest_rse_id: $rse, state: 'QUEUED',
                                      priority: 3, bytes: f.bytes,
                                      created_at: $now, hash_bucket: row.bucket})
                    """, Map.of("rse", rse, "rows", rows, "now", now)).consume());
        }
        long started = System.nanoTime();
        for (List<Map<String, Object>> rows : batches) {
            store.write(tx -> tx.run("""
                    UNWIND $rows AS row
                    MATCH (q:Request {key: row.request})
                    SET q.state = 'SUBMITTED', q.external_id = row.job, q.submitted_at = $now
                    """, Map.of("rows", rows, "now", now)).consume());
            store.write(tx -> tx.run("""
                    MATCH (rse:Rse {id: $rse})
                    UNWIND $rows AS row
                    MATCH (q:Request {key: row.request})
                    MATCH (f:Did {key: row.key})
                    MATCH (f)-[r:REPLICA]->(rse)
                    MATCH (rule:Rule)-[l:LOCK]->(f) WHERE l.rse_id = $rse
                    SET q.state = 'DONE', q.transferred_at = $now, r.state = 'AVAILABLE', r.updated_at = $now,
                        l.state = 'OK', l.updated_at = $now
                    WITH rule, count(*) AS n
                    SET rule.locks_ok_cnt = rule.locks_ok_cnt + n,
                        rule.locks_replicating_cnt = rule.locks_replicating_cnt - n
                    """, Map.of("rse", rse, "rows", rows, "now", now)).consume());
        }
        long elapsed = System.nanoTime() - started;
        long ok = count(store, "MATCH (r:Rule {id: 'bench-raw'}) RETURN r.locks_ok_cnt");
        long available = count(store, "MATCH ()-[r:REPLICA {state: 'AVAILABLE'}]->(:Rse {rse: '" + RAW_TARGET
                + "'}) RETURN count(r)");
        if (ok != w.files() || available != w.files()) {
            throw new BenchmarkFailed("raw floor: expected " + w.files() + " OK locks and AVAILABLE replicas, found "
                    + ok + " and " + available);
        }
        double rawRate = w.files() / (elapsed / 1e9);
        f.put("raw_files_per_s", Math.round(rawRate));
        f.put("raw_s", seconds(elapsed));
        f.put("ratio_to_raw", Math.round(pipelineRate / rawRate * 1000) / 1000.0);
    }

    /**
     * How long a worker waits after a cycle that found nothing: the service's default
     * ({@code stevedore.transfer.conveyor-idle-sleep}). A shorter wait would have the submitter, once the queue is
     * empty, claim nothing over and over while the poller works, at a cost the service does not pay.
     */
    private static final long IDLE_SLEEP_MS = 1_000;

    /** Runs the worker's cycles back to back, pausing {@link #IDLE_SLEEP_MS} after one that found nothing. */
    private static Thread loop(String name, Worker worker, AtomicBoolean done, AtomicReference<Throwable> failure,
                               AtomicLong busyNanos, AllocationMeter allocations) {
        Thread t = new Thread(() -> {
            try {
                while (!done.get()) {
                    long t0 = System.nanoTime();
                    boolean worked = worker.runOnce(Partition.whole()).didWork();
                    busyNanos.addAndGet(System.nanoTime() - t0);
                    if (!worked) {
                        Thread.sleep(IDLE_SLEEP_MS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                if (allocations != null) {
                    allocations.addOwn();
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void join(Thread t) {
        try {
            t.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long count(Store store, String cypher) {
        return store.read(tx -> tx.run(cypher).single().get(0).asLong());
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1000.0;
    }
}
