package org.stevedore.rules.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.Replica;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.store.Rule;
import org.stevedore.rules.store.UndertakerStore;
import org.stevedore.rules.workers.RuleReevaluator;
import org.stevedore.rules.workers.Undertaker;
import org.stevedore.transfer.store.RequestQueue;

/** The undertaker against the real store: what goes with an expired DID, and what must stay. */
class UndertakerTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    private RuleFixture f;
    private Undertaker undertaker;
    private RuleReevaluator reevaluator;

    @BeforeEach
    void grid() {
        f = new RuleFixture(store, clock, 10_000);
        f.rse("SRC", Map.of());
        f.rse("DST", Map.of());
        UpdatedDidQueue queue = new UpdatedDidQueue(store);
        undertaker = new Undertaker(new UndertakerStore(store, queue, clock, new RequestQueue()), f.service, clock, 100,
                Duration.ofMinutes(10));
        reevaluator = new RuleReevaluator(queue, f.maintenance, 100);
    }

    private static DidRef did(String name) {
        return new DidRef("s", name);
    }

    private String rule(String didName, String expression) {
        return f.service.add(RuleRequest.of(List.of(did(didName)), 1, expression), "jdoe").get(0);
    }

    private void expire(String name) {
        f.dids.setExpiry("s", name, clock.instant().minusSeconds(60));
    }

    private boolean exists(String name) {
        return f.dids.exists("s", name);
    }

    private Replica replica(String file, String rse) {
        return f.replicas.get(did(file), rse);
    }

    private long ruleCount(String didName) {
        return f.count("MATCH (r:Rule {did_key: $k}) RETURN count(r)", Map.of("k", "s:" + didName));
    }

    private void drainQueue() {
        while (reevaluator.runOnce(Partition.whole()).didWork()) {
            // until the queue is empty
        }
    }

    @Test
    void anExpiredDatasetLosesItsRulesItsReplicasGetTombstonesAndItGoesWhileItsFilesStay() {
        List<String> files = f.dataset("ds", 3, 10, "SRC");
        String onDataset = rule("ds", "SRC");
        String copying = rule("ds", "DST");
        assertThat(f.count("MATCH (q:Request) RETURN count(q)")).isEqualTo(3);
        expire("ds");

        assertThat(undertaker.runOnce(Partition.whole()).didWork()).isTrue();

        assertThat(exists("ds")).isFalse();
        assertThat(ruleCount("ds")).isZero();
        assertThat(f.count("MATCH (r:Rule) WHERE r.id IN $ids RETURN count(r)",
                Map.of("ids", List.of(onDataset, copying)))).isZero();
        for (String file : files) {
            // The files stay for the reaper; their replicas lost their locks and got the epoch (purge).
            assertThat(exists(file)).isTrue();
            assertThat(replica(file, "SRC").lockCnt()).isZero();
            assertThat(replica(file, "SRC").tombstone()).isEqualTo(Instant.EPOCH);
            assertThat(replica(file, "DST").tombstone()).isEqualTo(Instant.EPOCH);
        }
        // The queued transfers of the removed rule went with it.
        assertThat(f.count("MATCH (q:Request) RETURN count(q)")).isZero();
        assertThat(f.count("MATCH (:Rule)-[l:LOCK]->() RETURN count(l)")).isZero();
        assertThat(undertaker.runOnce(Partition.whole()).didWork()).isFalse();
    }

    @Test
    void aDidWhoseLifetimeWasExtendedAfterItWasListedIsNotBuried() {
        f.dataset("ds", 2, 10, "SRC");
        f.dids.add(List.of(NewDid.collection("s", "parent", DidType.CONTAINER, "jdoe")));
        f.attachments.attach(did("parent"), List.of(did("ds")), false);
        expire("ds");
        UndertakerStore undertakerStore = new UndertakerStore(store, new UpdatedDidQueue(store), clock,
                new RequestQueue());
        List<String> listed = undertakerStore.expired(Partition.whole(), 10).stream()
                .map(UndertakerStore.Expired::key).toList();
        assertThat(listed).containsExactly("s:ds");
        // Between the listing and the burial, somebody gives the dataset a new lifetime.
        f.dids.setExpiry("s", "ds", clock.instant().plusSeconds(3600));

        UndertakerStore.Burial burial = undertakerStore.bury(listed);

        assertThat(burial.changedAnything()).isFalse();
        assertThat(exists("ds")).isTrue();
        assertThat(f.count("MATCH (:Did {key: 's:parent'})-[:CONTAINS]->(:Did {key: 's:ds'}) RETURN count(*)"))
                .isEqualTo(1);
    }

    @Test
    void theRulesOfADidWhoseLifetimeWasExtendedAfterItWasListedAreNotTakenForTheUndertakers() {
        f.dataset("ds", 2, 10, "SRC");
        rule("ds", "SRC");
        expire("ds");
        UndertakerStore undertakerStore = new UndertakerStore(store, new UpdatedDidQueue(store), clock,
                new RequestQueue());
        List<String> listed = undertakerStore.expired(Partition.whole(), 10).stream()
                .map(UndertakerStore.Expired::key).toList();
        assertThat(listed).containsExactly("s:ds");
        // Between the listing and the removal of its rules, somebody gives the dataset a new lifetime.
        f.dids.setExpiry("s", "ds", clock.instant().plusSeconds(3600));

        assertThat(undertakerStore.rulesOnExpired(listed)).as("rules to remove").isEmpty();
        assertThat(undertakerStore.rulesOn(listed)).as("rules on the DID").hasSize(1);
    }

    @Test
    void filesProtectedElsewhereKeepTheirReplicasAndUnexpiredDidsAreUntouched() {
        List<String> files = f.dataset("ds", 3, 10, "SRC");
        rule("ds", "SRC");
        // ds.f0 is also in "other", which has a rule of its own; ds.f1 has a rule on the file itself.
        f.dids.add(List.of(NewDid.collection("s", "other", DidType.DATASET, "jdoe")));
        f.attachments.attach(did("other"), List.of(did(files.get(0))), false);
        String otherRule = rule("other", "SRC");
        String fileRule = rule(files.get(1), "SRC");
        List<String> keptFiles = f.dataset("keep", 2, 10, "SRC");
        String keepRule = rule("keep", "SRC");
        f.dids.setExpiry("s", "keep", clock.instant().plusSeconds(3600));
        expire("ds");

        undertaker.runOnce(Partition.whole());

        assertThat(exists("ds")).isFalse();
        assertThat(replica(files.get(0), "SRC").lockCnt()).isEqualTo(1);
        assertThat(replica(files.get(0), "SRC").tombstone()).isNull();
        assertThat(replica(files.get(1), "SRC").lockCnt()).isEqualTo(1);
        assertThat(replica(files.get(1), "SRC").tombstone()).isNull();
        assertThat(replica(files.get(2), "SRC").tombstone()).isEqualTo(Instant.EPOCH);
        assertThat(f.count("MATCH (:Did {key: 's:other'})-[:CONTAINS]->(:Did {key: $k}) RETURN count(*)",
                Map.of("k", "s:" + files.get(0)))).isEqualTo(1);
        assertThat(f.queries.get(otherRule).locksOk()).isEqualTo(1);
        assertThat(f.queries.get(fileRule).locksOk()).isEqualTo(1);

        assertThat(exists("keep")).isTrue();
        assertThat(f.queries.get(keepRule).locksOk()).isEqualTo(2);
        assertThat(f.dids.get("s", "keep").expiredAt()).isNotNull();
        for (String file : keptFiles) {
            assertThat(replica(file, "SRC").lockCnt()).isEqualTo(1);
            assertThat(replica(file, "SRC").tombstone()).isNull();
        }
    }

    @Test
    void anExpiredFileInADatasetIsDetachedTheDatasetRuleDropsItsLockAndTheFileStaysForTheReaper() {
        List<String> files = f.dataset("ds", 2, 10, "SRC");
        String datasetRule = rule("ds", "SRC");
        String gone = files.get(0);
        f.dids.setMeta("s", gone, Map.of("run", 8));
        expire(gone);

        undertaker.runOnce(Partition.whole());

        // Detached at once; the file waits until the re-evaluator has removed the dataset rule's lock.
        assertThat(f.dids.get("s", "ds").length()).isEqualTo(1);
        assertThat(f.dids.get("s", gone).expiredAt()).isNotNull();
        assertThat(undertaker.runOnce(Partition.whole()).didWork()).isFalse();

        drainQueue();
        Rule rule = f.queries.get(datasetRule);
        assertThat(rule.locksOk()).isEqualTo(1);
        assertThat(replica(gone, "SRC").lockCnt()).isZero();
        // The dataset rule's lock ending leaves the registered replica as it was before: without a tombstone.
        assertThat(replica(gone, "SRC").tombstone()).isNull();

        assertThat(undertaker.runOnce(Partition.whole()).didWork()).isTrue();
        // It has a replica, so the file stays for the reaper, without metadata; its replica is OBSOLETE, and it keeps
        // its expiry so that it goes once the reaper took the replica.
        assertThat(exists(gone)).isTrue();
        assertThat(replica(gone, "SRC").tombstone()).isEqualTo(Instant.EPOCH);
        assertThat(f.dids.get("s", gone).expiredAt()).isNotNull();
        assertThat(f.dids.meta("s", gone)).isEmpty();
        assertThat(replica(files.get(1), "SRC").lockCnt()).isEqualTo(1);
        assertThat(replica(files.get(1), "SRC").tombstone()).isNull();
        assertThat(undertaker.runOnce(Partition.whole()).didWork()).isFalse();

        // The reaper's part: the replica goes; then the file goes too.
        store.run("MATCH (:Did {key: $k})-[r:REPLICA]->() DELETE r", Map.of("k", "s:" + gone));
        assertThat(undertaker.runOnce(Partition.whole()).didWork()).isTrue();
        assertThat(exists(gone)).isFalse();
    }

    @Test
    void aFileWhoseLifetimeEndsWithNoRuleGetsAnObsoleteTombstoneAndGoesOnceItsReplicaIsGone() {
        // Seen: such a file was kept without a tombstone, for ever, and lost its expiry.
        f.dataset("logs", 1, 10, "SRC");
        String log = "logs.f0";
        f.replicas.add("SRC", List.of(NewReplica.of("s", "lonely.log", 10, "00000001")), "jdoe", true, null);
        expire("lonely.log");

        assertThat(undertaker.runOnce(Partition.whole()).didWork()).isTrue();

        assertThat(replica("lonely.log", "SRC").tombstone()).isEqualTo(Instant.EPOCH);
        assertThat(f.dids.get("s", "lonely.log").expiredAt()).isNotNull();
        assertThat(replica(log, "SRC").tombstone()).as("not expired").isNull();
        assertThat(undertaker.runOnce(Partition.whole()).didWork()).isFalse();
        store.run("MATCH (:Did {key: 's:lonely.log'})-[r:REPLICA]->() DELETE r", Map.of());
        undertaker.runOnce(Partition.whole());
        assertThat(exists("lonely.log")).isFalse();
    }

    @Test
    void anExpiredFileWithoutReplicasIsDeletedWithItsFinishedRequests() {
        f.dids.add(List.of(NewDid.file("s", "lonely", "jdoe", 10, "00000001")));
        store.run("CREATE (:Request {key: 's:lonely|x', state: 'FAILED'})", Map.of());
        expire("lonely");

        undertaker.runOnce(Partition.whole());

        assertThat(exists("lonely")).isFalse();
        assertThat(f.count("MATCH (q:Request) RETURN count(q)")).isZero();
    }

    @Test
    void anExpiredContainerGoesButTheDatasetsInItStay() {
        f.dataset("ds", 2, 10, "SRC");
        f.dids.add(List.of(NewDid.collection("s", "box", DidType.CONTAINER, "jdoe")));
        f.attachments.attach(did("box"), List.of(did("ds")), false);
        rule("box", "SRC");
        expire("box");

        undertaker.runOnce(Partition.whole());

        assertThat(exists("box")).isFalse();
        assertThat(ruleCount("box")).isZero();
        assertThat(exists("ds")).isTrue();
        assertThat(f.dids.get("s", "ds").length()).isEqualTo(2);
    }

    @Test
    void aDidWithALockedRuleIsLeftAlone() {
        f.dataset("ds", 1, 10, "SRC");
        String id = rule("ds", "SRC");
        f.service.update(id, Map.of("locked", true));
        expire("ds");

        assertThat(undertaker.runOnce(Partition.whole()).didWork()).isFalse();
        assertThat(exists("ds")).isTrue();
        assertThat(f.queries.get(id).locksOk()).isEqualTo(1);
    }

    @Test
    void eachWorkerTakesOnlyTheExpiredDidsOfItsPartition() {
        String mine = null;
        String theirs = null;
        for (int i = 0; mine == null || theirs == null; i++) {
            String name = "d" + i;
            if (new Partition(0, 2).owns("s:" + name)) {
                mine = mine == null ? name : mine;
            } else {
                theirs = theirs == null ? name : theirs;
            }
        }
        f.dids.add(List.of(NewDid.collection("s", mine, DidType.DATASET, "jdoe"),
                NewDid.collection("s", theirs, DidType.DATASET, "jdoe")));
        expire(mine);
        expire(theirs);

        undertaker.runOnce(new Partition(0, 2));
        assertThat(exists(mine)).isFalse();
        assertThat(exists(theirs)).isTrue();

        undertaker.runOnce(new Partition(1, 2));
        assertThat(exists(theirs)).isFalse();
    }
}
