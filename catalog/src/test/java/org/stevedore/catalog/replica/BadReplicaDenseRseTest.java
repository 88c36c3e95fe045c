package org.stevedore.catalog.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.summary.ProfiledPlan;
import org.stevedore.catalog.testing.StoreTest;

/**
 * Declaring a replica of an RSE that holds many: the store work per declared replica must not grow with the RSE's
 * size. A consistency check of a million files declares its thousand missing replicas in one call; when each was
 * found by walking the RSE's replicas, that call alone took longer than the rest of the check.
 */
class BadReplicaDenseRseTest extends StoreTest {

    private static final int REPLICAS = 3_000;

    private static long dbHits(ProfiledPlan plan) {
        return plan.dbHits() + plan.children().stream().mapToLong(BadReplicaDenseRseTest::dbHits).sum();
    }

    private void denseRse() {
        store.run("CREATE (:Rse {id: 'dense-id', rse: 'DENSE'})", Map.of());
        store.run("""
                MATCH (rse:Rse {id: 'dense-id'})
                UNWIND range(1, $n) AS i
                CREATE (f:Did {key: 's:f' + i, scope: 's', name: 'f' + i, did_type: 'FILE', bytes: 1})
                CREATE (f)-[:REPLICA {rse_id: 'dense-id', path: 's/f' + i, state: 'AVAILABLE', bytes: 1, lock_cnt: 0,
                                      created_at: 0, updated_at: 0}]->(rse)
                """, Map.of("n", REPLICAS));
        // Plans from the store's real statistics, as a store that has held these replicas a while would use.
        store.runAutoCommit("CALL db.prepareForReplanning()");
    }

    @Test
    void findingANamedReplicaReadsTheFileNotEveryReplicaOfItsRse() {
        denseRse();
        List<Map<String, Object>> rows = List.of(Map.of("i", 0, "key", "s:f1234", "rse", "DENSE"),
                Map.of("i", 1, "key", "s:nosuch", "rse", "DENSE"));
        ProfiledPlan plan = store.read(tx -> tx.run("PROFILE " + BadReplicaStore.BY_NAME, Map.of("rows", rows))
                .consume().profile());
        // A few dozen hits per row when anchored on the file; tens of thousands when the RSE's replicas are walked.
        assertThat(dbHits(plan)).as(plan.toString()).isLessThan(REPLICAS / 10);
    }

    @Test
    void markingADeclaredReplicaReadsTheFileNotEveryReplicaOfItsRse() {
        denseRse();
        Map<String, Object> params = new HashMap<>();
        params.put("rows", List.of(Map.of("key", "s:f1234", "rse_id", "dense-id")));
        params.put("state", "BAD");
        params.put("now", 1L);
        params.put("expires", null);
        ProfiledPlan plan = store.write(tx -> tx.run("PROFILE " + BadReplicaStore.MARK, params).consume().profile());
        assertThat(dbHits(plan)).as(plan.toString()).isLessThan(REPLICAS / 10);
    }

    @Test
    void aReplicaOfADenseRseIsDeclaredBad() {
        denseRse();
        BadReplicaStore bad = new BadReplicaStore(store, Clock.systemUTC(), new BadReplicaStore.Settings(3, Duration.ofDays(1)));
        Map<String, List<String>> notDeclared = bad.declare(List.of(BadReplicaStore.Item.of("s", "f7", "DENSE"),
                BadReplicaStore.Item.of("s", "nosuch", "DENSE")), BadState.BAD, "test", "root", null, false);
        assertThat(notDeclared).isEqualTo(Map.of("DENSE", List.of("s:nosuch Unknown replica")));
        String state = store.read(tx -> tx.run("MATCH (:Did {key: 's:f7'})-[r:REPLICA]->() RETURN r.state AS s")
                .single().get("s").asString());
        assertThat(state).isEqualTo("BAD");
    }
}
