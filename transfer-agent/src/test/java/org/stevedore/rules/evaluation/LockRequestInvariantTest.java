package org.stevedore.rules.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.error.StevedoreException;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.SharedStore;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.store.LockAudit;
import org.stevedore.rules.store.UndertakerStore;
import org.stevedore.rules.workers.RuleReevaluator;
import org.stevedore.rules.workers.RuleRepairer;
import org.stevedore.rules.workers.Undertaker;
import org.stevedore.transfer.store.RequestQueue;

/**
 * The promise between locks and transfers, after every step of random sequences of what happens to rules: transfers
 * that arrive, transfers that fail (until out of retries), repairs, attachments, detachments, deletions of rules and
 * of DIDs, and sources that appear. After each step, every REPLICATING lock has a live request (QUEUED, WAITING,
 * SUBMITTING, SUBMITTED), and every request not yet submitted has a REPLICATING lock that wants it (one already
 * submitted runs to its end, wanted or not); the lock audit agrees. Seeded: the seed is printed, and
 * {@code -Dstevedore.seed=<seed>} runs the same sequences again.
 */
class LockRequestInvariantTest extends StoreTest {

    private static final int SEQUENCES = 5;
    private static final int STEPS = 50;
    private static final List<String> DATASETS = List.of("ds0", "ds1", "ds2");
    private static final int FILES = 10;
    private static final List<String> EXPRESSIONS = List.of("DST_A", "DST_B", "tier=1");

    private MutableClock clock;
    private RuleFixture f;
    private TransferDriver transfers;
    private RuleRepairer repairer;
    private RuleReevaluator reevaluator;
    private Undertaker undertaker;
    private LockAudit audit;
    private final List<String> rules = new ArrayList<>();

    @Test
    void everyReplicatingLockHasALiveRequestAfterEveryStep() {
        long seed = Long.getLong("stevedore.seed", System.nanoTime());
        System.out.println("LockRequestInvariantTest seed: " + seed + " (rerun with -Dstevedore.seed=" + seed + ")");
        SplittableRandom seeds = new SplittableRandom(seed);
        for (int sequence = 0; sequence < SEQUENCES; sequence++) {
            SharedStore.clean(store);
            run(seed, sequence, new SplittableRandom(seeds.nextLong()));
        }
    }

    private void grid() {
        clock = MutableClock.at("2026-11-22T10:00:00Z");
        rules.clear();
        f = new RuleFixture(store, clock, 10_000);
        f.rse("SRC", Map.of());
        f.rse("DST_A", Map.of("tier", "1"));
        f.rse("DST_B", Map.of("tier", "1"));
        transfers = new TransferDriver(store, clock, f.rules, 1);
        repairer = new RuleRepairer(f.queries, f.maintenance, 100);
        UpdatedDidQueue queue = new UpdatedDidQueue(store);
        reevaluator = new RuleReevaluator(queue, f.maintenance, 100);
        undertaker = new Undertaker(new UndertakerStore(store, queue, clock, new RequestQueue()), f.service, clock,
                100, Duration.ZERO);
        audit = new LockAudit(store, new RequestQueue());
        f.dids.add(DATASETS.stream().map(d -> NewDid.collection("s", d, DidType.DATASET, "jdoe")).toList());
        // Files p0.. on SRC, but the last three without any replica: their locks are stuck until a source appears.
        List<NewReplica> onSrc = new ArrayList<>();
        List<NewDid> bare = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            if (i < FILES - 3) {
                onSrc.add(NewReplica.of("s", "p" + i, 10, "00000001"));
            } else {
                bare.add(NewDid.file("s", "p" + i, "jdoe", 10, "00000001"));
            }
        }
        f.replicas.add("SRC", onSrc, "jdoe", true, null);
        f.dids.add(bare);
        for (int i = 0; i < FILES - 2; i++) {
            f.attachments.attach(did(DATASETS.get(i % DATASETS.size())), List.of(did("p" + i)), false);
        }
    }

    private static DidRef did(String name) {
        return new DidRef("s", name);
    }

    private void run(long seed, int sequence, SplittableRandom random) {
        grid();
        List<String> done = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            String what;
            try {
                what = step(random);
            } catch (StevedoreException e) {
                what = "refused: " + e.getMessage();
            }
            done.add(what);
            check(seed, sequence, done);
        }
    }

    /** One random step; answers what it did. */
    private String step(SplittableRandom random) {
        clock.advance(Duration.ofSeconds(1 + random.nextInt(60)));
        int dice = random.nextInt(100);
        if (dice < 14) {
            String target = random.nextInt(3) == 0 ? "p" + random.nextInt(FILES) : pick(random, DATASETS);
            String expression = pick(random, EXPRESSIONS);
            int copies = expression.equals("tier=1") ? 1 + random.nextInt(2) : 1;
            RuleRequest request = RuleRequest.of(List.of(did(target)), copies, expression)
                    .withGrouping(random.nextBoolean() ? "DATASET" : "NONE");
            rules.addAll(f.service.add(request, "jdoe"));
            return "rule " + copies + " x " + target + " on " + expression;
        }
        if (dice < 30) {
            return "submitted " + transfers.submitAll();
        }
        if (dice < 44) {
            String key = submitted(random);
            if (key != null) {
                transfers.succeed(key);
            }
            return "arrived " + key;
        }
        if (dice < 58) {
            String key = submitted(random);
            if (key != null) {
                transfers.fail(key, "TRANSFER FAILED: random");
            }
            return "failed " + key;
        }
        if (dice < 68) {
            repairer.runOnce(Partition.whole());
            return "repaired";
        }
        if (dice < 77) {
            String dataset = pick(random, DATASETS);
            String file = "p" + random.nextInt(FILES);
            f.attachments.attach(did(dataset), List.of(did(file)), true);
            drain();
            return "attached " + file + " to " + dataset;
        }
        if (dice < 85) {
            String dataset = pick(random, DATASETS);
            String file = "p" + random.nextInt(FILES);
            f.attachments.detach(did(dataset), List.of(did(file)));
            drain();
            return "detached " + file + " from " + dataset;
        }
        if (dice < 91) {
            if (rules.isEmpty()) {
                return "no rule to delete";
            }
            String rule = rules.remove(random.nextInt(rules.size()));
            boolean purge = random.nextBoolean();
            f.service.delete(rule, purge);
            return "deleted rule " + rule + (purge ? " (purge)" : "");
        }
        if (dice < 95) {
            String name = random.nextBoolean() ? pick(random, DATASETS) : "p" + random.nextInt(FILES);
            f.dids.setExpiry("s", name, clock.instant().minusSeconds(60));
            undertaker.runOnce(Partition.whole());
            drain();
            rules.removeIf(id -> f.count("MATCH (r:Rule {id: $id}) RETURN count(r)", Map.of("id", id)) == 0);
            return "expired " + name;
        }
        String file = "p" + (FILES - 3 + random.nextInt(3));
        f.replicas.add("SRC", List.of(NewReplica.of("s", file, 10, "00000001")), "jdoe", true, null);
        return "source for " + file;
    }

    private static String pick(SplittableRandom random, List<String> from) {
        return from.get(random.nextInt(from.size()));
    }

    private String submitted(SplittableRandom random) {
        List<String> keys = store.read(tx -> tx.run("MATCH (q:Request {state: 'SUBMITTED'}) RETURN q.key AS k ORDER BY k")
                .list(r -> r.get("k").asString()));
        return keys.isEmpty() ? null : keys.get(random.nextInt(keys.size()));
    }

    private void drain() {
        while (reevaluator.runOnce(Partition.whole()).didWork()) {
            // until the queue is empty
        }
    }

    private void check(long seed, int sequence, List<String> done) {
        List<String> unserved = store.read(tx -> tx.run("""
                MATCH (r:Rule)-[l:LOCK {state: 'REPLICATING'}]->(f:Did)
                OPTIONAL MATCH (q:Request {key: f.key + '|' + l.rse_id})
                WITH r, l, f, q WHERE q IS NULL OR NOT q.state IN $live
                RETURN r.id + ': ' + f.key + ' at ' + l.rse_id + ', request ' + coalesce(q.state, 'none') AS breach
                """, Map.of("live", RequestQueue.LIVE_STATES)).list(r -> r.get("breach").asString()));
        List<String> unwanted = store.read(tx -> tx.run("""
                MATCH (q:Request) WHERE q.state IN ['QUEUED', 'WAITING']
                  AND NOT EXISTS { MATCH (:Rule)-[l:LOCK {state: 'REPLICATING'}]->(:Did {key: q.did_key})
                                   WHERE l.rse_id = q.dest_rse_id }
                RETURN q.key + ' ' + q.state AS request
                """).list(r -> r.get("request").asString()));
        String context = "seed " + seed + ", sequence " + sequence + ", steps " + done;
        assertThat(unserved).as("REPLICATING locks without a live request; %s", context).isEmpty();
        assertThat(unwanted).as("requests not yet submitted that no REPLICATING lock wants; %s", context).isEmpty();
        assertThat(audit.breaches(Partition.whole(), 100)).as("the audit; %s", context).isEmpty();
    }
}
