package org.stevedore.bench;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.store.Store;
import org.stevedore.rules.evaluation.RuleMaintenance;
import org.stevedore.rules.evaluation.RuleRequest;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.rules.workers.RuleReevaluator;
import org.stevedore.transfer.store.RequestQueue;

/**
 * Rule evaluation as the service does it. {@code rule-evaluation}: one rule of one copy on a dataset of N files whose
 * replicas sit on another RSE, with the default injection threshold (above it the injector writes the locks in
 * chunks), timed from the call until every lock, COPYING replica and QUEUED request is written; then the same writes
 * as raw {@code UNWIND} Cypher into another RSE, the floor under the service (ratio = service / raw). {@code reevaluation}: a dataset with three rules on three RSEs gets N
 * files attached in bulk requests; timed from the first attach until the re-evaluator has written all 3N locks.
 */
final class RuleEvaluation {

    private static final String SOURCE = "BENCH_SRC";
    private static final String RAW_TARGET = "BENCH_RAW";
    private static final String WARMUP_SCOPE = "warmup";

    private final Options options;
    private final Clock clock;

    RuleEvaluation(Options options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    Map<String, Object> run(boolean reevaluation) {
        try (HeapMeter heap = HeapMeter.start(); TempStore temp = TempStore.open(options, "rules")) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("scenario", reevaluation ? Options.REEVALUATION : Options.RULE_EVALUATION);
            f.put("files", options.files());
            Store store = temp.store();
            Catalog catalog = Catalog.of(store, clock);
            Workload w = new Workload("bench", "mc16_13tev", SOURCE, options.files(), options.datasetSize());
            catalog.prepare(w);
            List<String> targets = reevaluation ? List.of("BENCH_DST1", "BENCH_DST2", "BENCH_DST3") : List.of("BENCH_DST1");
            targets.forEach(catalog.rses()::add);
            RuleStore rules = new RuleStore(store, clock, new RequestQueue());
            RandomGenerator random = RandomGenerator.getDefault();
            RuleService service = new RuleService(catalog.dids(), rules, new RuleInputs(store), catalog.rses(),
                    catalog.accounts(), new AccountLimitStore(store), new RseExpressionResolver(catalog.rses())::resolve,
                    clock, RuleService.Settings.defaults(), random);
            RuleMaintenance maintenance = new RuleMaintenance(rules, new RuleInputs(store), catalog.rses(),
                    new AccountLimitStore(store), new RseExpressionResolver(catalog.rses())::resolve, clock,
                    service.settings(), random);
            DidRef dataset = new DidRef(w.scope(), "bench.rules.dataset");
            catalog.dids().add(List.of(NewDid.collection(dataset.scope(), dataset.name(), DidType.DATASET, w.account())));

            if (options.warmupFiles() > 0) {
                // The floor is written after the service path, so without a warm-up the service alone paid the
                // JIT's and the query planner's first calls, and the ratio measured the order, not the paths.
                f.put("warmup_files", options.warmupFiles());
                f.put("warmup_s", seconds(warmUp(catalog, store, service, maintenance, w, targets.size(), reevaluation)));
            }

            long setup = System.nanoTime();
            // The files' replicas and DIDs are made a request at a time, never all held: at a million files they
            // would be hundreds of MB of the bench's own in the heap the service is measured in.
            for (int d = 0; d < w.datasets(); d++) {
                catalog.replicas().add(SOURCE, w.replicas(d), w.account(), false, reevaluation ? null : dataset);
            }
            f.put("setup_s", seconds(System.nanoTime() - setup));

            long cpu0 = CpuClock.nanos();
            long started = System.nanoTime();
            if (!reevaluation) {
                // Above the injection threshold the rule is written in INJECT and the injector applies it in
                // chunks; both steps are timed, as a client waiting for its locks would see them.
                String id = service.add(RuleRequest.of(List.of(dataset), 1, targets.get(0)), w.account()).get(0);
                service.applyPending(id);
            } else {
                for (String target : targets) {
                    service.add(RuleRequest.of(List.of(dataset), 1, target), w.account());
                }
                long attach = System.nanoTime();
                for (int from = 0; from < w.files(); from += options.datasetSize()) {
                    catalog.attachments().attach(dataset, w.files(from, Math.min(w.files(), from + options.datasetSize())),
                            false);
                }
                f.put("attach_s", seconds(System.nanoTime() - attach));
                RuleReevaluator evaluator = new RuleReevaluator(new UpdatedDidQueue(store), maintenance, 100);
                while (evaluator.runOnce(Partition.whole()).didWork()) {
                    // until the queue is empty
                }
            }
            long elapsed = System.nanoTime() - started;
            long cpu = CpuClock.nanos() - cpu0;

            long expected = (long) w.files() * targets.size();
            long locks = count(store, "MATCH (f:Did)<-[l:LOCK]-(:Rule) WHERE f.scope = $scope RETURN count(l)", w.scope());
            long requests = count(store, "MATCH (q:Request {state: 'QUEUED'}) WHERE q.did_key STARTS WITH $scope + ':' "
                    + "RETURN count(q)", w.scope());
            long copying = count(store, "MATCH (f:Did)-[r:REPLICA {state: 'COPYING', lock_cnt: 1}]->() WHERE f.scope = $scope "
                    + "RETURN count(r)", w.scope());
            if (locks != expected || requests != expected || copying != expected) {
                throw new BenchmarkFailed("expected " + expected + " locks, requests and COPYING replicas, found "
                        + locks + ", " + requests + ", " + copying);
            }
            f.put("rules", targets.size());
            f.put("locks", locks);
            f.put("seconds", seconds(elapsed));
            f.put("locks_per_s", Math.round(locks / (elapsed / 1e9)));
            f.put("cpu_s", seconds(cpu));
            // The floor under the service: the same lock, replica and request writes with nothing decided, checked
            // or read back, in batches of the store's size, into other RSEs of the same store (for re-evaluation one
            // per rule, after the same attachments as bare CONTAINS writes into a second dataset).
            long rawCpu0 = CpuClock.nanos();
            long rawStarted = System.nanoTime();
            if (reevaluation) {
                attachRaw(store, w, clock.millis());
            }
            for (int t = 0; t < targets.size(); t++) {
                catalog.rses().add(RAW_TARGET + t);
                writeRaw(store, w, catalog.rses().get(RAW_TARGET + t).id(), "bench-raw-" + t, clock.millis());
            }
            long rawElapsed = System.nanoTime() - rawStarted;
            long rawCpu = CpuClock.nanos() - rawCpu0;
            long rawLocks = count(store, "MATCH (r:Rule)-[l:LOCK]->() WHERE r.id STARTS WITH 'bench-raw-' RETURN count(l)");
            if (rawLocks != expected) {
                throw new BenchmarkFailed("raw baseline wrote " + rawLocks + " locks, expected " + expected);
            }
            double rate = locks / (elapsed / 1e9);
            double rawRate = rawLocks / (rawElapsed / 1e9);
            f.put("raw_locks_per_s", Math.round(rawRate));
            f.put("ratio", Math.round(rate / rawRate * 1000) / 1000.0);
            f.put("raw_s", seconds(rawElapsed));
            f.put("raw_cpu_s", seconds(rawCpu));
            f.put("load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            f.putAll(heap.figures());
            f.put("verified", true);
            return f;
        }
    }

    /**
     * Both paths once, untimed, on files of their own: the service's rules on a throwaway dataset (injected, or for
     * re-evaluation created first and re-evaluated as the files are attached), and the bare writes of as many locks.
     * Answers the nanoseconds it took.
     */
    private long warmUp(Catalog catalog, Store store, RuleService service, RuleMaintenance maintenance, Workload timed,
                        int rules, boolean reevaluation) {
        long started = System.nanoTime();
        Workload warm = new Workload(timed.account(), WARMUP_SCOPE, SOURCE, options.warmupFiles(), options.datasetSize());
        catalog.scopes().add(WARMUP_SCOPE, timed.account());
        DidRef dataset = new DidRef(WARMUP_SCOPE, "bench.warmup.dataset");
        catalog.dids().add(List.of(NewDid.collection(dataset.scope(), dataset.name(), DidType.DATASET, warm.account())));
        List<String> ids = new ArrayList<>();
        for (int t = 0; t < rules && reevaluation; t++) {
            catalog.rses().add("BENCH_WARM" + t);
            service.add(RuleRequest.of(List.of(dataset), 1, "BENCH_WARM" + t), warm.account());
        }
        for (int d = 0; d < warm.datasets(); d++) {
            catalog.replicas().add(SOURCE, warm.replicas(d), warm.account(), false, dataset);
        }
        if (reevaluation) {
            RuleReevaluator evaluator = new RuleReevaluator(new UpdatedDidQueue(store), maintenance, 100);
            while (evaluator.runOnce(Partition.whole()).didWork()) {
                // until the queue is empty
            }
            attachRaw(store, warm, clock.millis());
        } else {
            catalog.rses().add("BENCH_WARM0");
            ids.addAll(service.add(RuleRequest.of(List.of(dataset), 1, "BENCH_WARM0"), warm.account()));
            ids.forEach(service::applyPending);
        }
        for (int t = 0; t < rules; t++) {
            catalog.rses().add("BENCH_WARM_RAW" + t);
            writeRaw(store, warm, catalog.rses().get("BENCH_WARM_RAW" + t).id(), "bench-warm-raw-" + t, clock.millis());
        }
        return System.nanoTime() - started;
    }

    /** The attachments of re-evaluation as bare writes: every file into a second dataset, in batches. */
    private static void attachRaw(Store store, Workload w, long now) {
        String dataset = w.scope() + ":bench.rules.raw-dataset";
        store.write(tx -> tx.run("CREATE (:Did {key: $key, did_type: 'DATASET', created_at: $now})",
                Map.of("key", dataset, "now", now)).consume());
        int batch = store.batchSize();
        for (int from = 0; from < w.files(); from += batch) {
            List<String> keys = w.files(from, Math.min(w.files(), from + batch)).stream().map(DidRef::key).toList();
            store.write(tx -> tx.run("""
                    MATCH (d:Did {key: $dataset})
                    UNWIND $keys AS key
                    MATCH (f:Did {key: key})
                    CREATE (d)-[:CONTAINS {created_at: $now}]->(f)
                    """, Map.of("dataset", dataset, "keys", keys, "now", now)).consume());
        }
    }

    private static void writeRaw(Store store, Workload w, String rseId, String ruleId, long now) {
        store.write(tx -> tx.run("CREATE (:Rule {id: $id, account: 'bench', state: 'REPLICATING'})",
                Map.of("id", ruleId)).consume());
        int batch = store.batchSize();
        for (int from = 0; from < w.files(); from += batch) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (DidRef d : w.files(from, Math.min(w.files(), from + batch))) {
                String key = d.scope() + ":" + d.name();
                rows.add(Map.of("key", key, "name", d.name(),
                        "bucket", Partition.bucket(key + "|" + rseId)));
            }
            store.write(tx -> tx.run("""
                    MATCH (rule:Rule {id: $rule})
                    MATCH (rse:Rse {id: $rse})
                    UNWIND $rows AS row
                    MATCH (f:Did {key: row.key})
                    CREATE (f)-[:REPLICA {state: 'COPYING', bytes: f.bytes, rse_id: $rse, path: row.name, lock_cnt: 1,
                                          created_at: $now, updated_at: $now}]->(rse)
                    CREATE (rule)-[:LOCK {rse_id: $rse, rse: rse.rse, bytes: f.bytes, state: 'REPLICATING',
                                          created_at: $now, updated_at: $now}]->(f)
                    CREATE (:Request {key: row.key + '|' + $rse, did_key: row.key, dest_rse_id: $rse, state: 'QUEUED',
                                      activity: 'default', priority: 3, bytes: f.bytes,
                                      created_at: $now, hash_bucket: row.bucket})
                    """, Map.of("rse", rseId, "rule", ruleId, "rows", rows, "now", now)).consume());
        }
    }

    private static long count(Store store, String cypher) {
        return store.read(tx -> tx.run(cypher).single().get(0).asLong());
    }

    private static long count(Store store, String cypher, String scope) {
        return store.read(tx -> tx.run(cypher, Map.of("scope", scope)).single().get(0).asLong());
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1000.0;
    }
}
