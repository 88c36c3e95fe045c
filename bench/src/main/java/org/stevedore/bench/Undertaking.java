package org.stevedore.bench;

import java.time.Clock;
import java.time.Duration;
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
import org.stevedore.rules.evaluation.RuleRequest;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.rules.store.UndertakerStore;
import org.stevedore.rules.workers.Undertaker;
import org.stevedore.transfer.store.RequestQueue;

/**
 * {@code undertaker}: N files in datasets of {@code --dataset-size}, each dataset with a rule of one copy on the RSE
 * holding its replicas (so every replica is locked), all datasets expired; timed from the first undertaker cycle
 * until none is left. Verified: no dataset, rule or lock remains, every replica has lost its lock and got the epoch as
 * tombstone, every file is still there for the reaper.
 */
final class Undertaking {

    private final Options options;
    private final Clock clock;

    Undertaking(Options options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    Map<String, Object> run() {
        try (HeapMeter heap = HeapMeter.start(); TempStore temp = TempStore.open(options, "undertaker")) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("scenario", Options.UNDERTAKER);
            f.put("files", options.files());
            Store store = temp.store();
            Catalog catalog = Catalog.of(store, clock);
            Workload w = Workload.of(options);
            catalog.prepare(w);
            RuleStore rules = new RuleStore(store, clock, new RequestQueue());
            RuleService service = new RuleService(catalog.dids(), rules, new RuleInputs(store), catalog.rses(),
                    catalog.accounts(), new AccountLimitStore(store), new RseExpressionResolver(catalog.rses())::resolve,
                    clock, RuleService.Settings.defaults(), RandomGenerator.getDefault());

            long setup = System.nanoTime();
            for (int d = 0; d < w.datasets(); d++) {
                DidRef dataset = w.dataset(d);
                catalog.dids().add(List.of(NewDid.collection(dataset.scope(), dataset.name(), DidType.DATASET,
                        w.account())));
                catalog.replicas().add(w.rse(), w.replicas(d), w.account(), false, dataset);
                service.add(RuleRequest.of(List.of(dataset), 1, w.rse()), w.account());
                catalog.dids().setExpiry(dataset.scope(), dataset.name(), clock.instant().minusSeconds(1));
            }
            f.put("setup_s", seconds(System.nanoTime() - setup));

            Undertaker undertaker = new Undertaker(new UndertakerStore(store, new UpdatedDidQueue(store), clock, new RequestQueue()),
                    service, clock, options.batch(), Duration.ofMinutes(10));
            long cpu0 = CpuClock.nanos();
            long started = System.nanoTime();
            int cycles = 0;
            while (undertaker.runOnce(Partition.whole()).didWork()) {
                cycles++;
            }
            long elapsed = System.nanoTime() - started;
            long cpu = CpuClock.nanos() - cpu0;

            long datasets = count(store, "MATCH (d:Did {did_type: 'DATASET'}) RETURN count(d)");
            long left = count(store, "MATCH (r:Rule) RETURN count(r)") + count(store, "MATCH ()-[l:LOCK]->() RETURN count(l)");
            long released = count(store, "MATCH ()-[r:REPLICA {tombstone: 0, lock_cnt: 0}]->() RETURN count(r)");
            long files = count(store, "MATCH (d:Did {did_type: 'FILE'}) RETURN count(d)");
            if (datasets != 0 || left != 0 || released != w.files() || files != w.files()) {
                throw new BenchmarkFailed("expected no dataset, rule or lock and " + w.files() + " released replicas "
                        + "and files, found " + datasets + " datasets, " + left + " rules and locks, " + released
                        + " released replicas, " + files + " files");
            }
            f.put("datasets", w.datasets());
            f.put("cycles", cycles);
            f.put("seconds", seconds(elapsed));
            f.put("datasets_per_s", Math.round(w.datasets() / (elapsed / 1e9)));
            f.put("replicas_released_per_s", Math.round(released / (elapsed / 1e9)));
            f.put("cpu_s", seconds(cpu));
            f.put("load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            f.putAll(heap.figures());
            f.put("verified", true);
            return f;
        }
    }

    private static long count(Store store, String cypher) {
        return store.read(tx -> tx.run(cypher).single().get(0).asLong());
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1000.0;
    }
}
