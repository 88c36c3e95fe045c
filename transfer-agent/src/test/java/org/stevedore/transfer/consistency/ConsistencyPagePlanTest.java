package org.stevedore.transfer.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.summary.Plan;
import org.stevedore.catalog.testing.StoreTest;

/**
 * The catalog side of the check reads an RSE's replicas a page at a time; the whole check stays linear only if each
 * page is a seek of the {@code replica_path} index read in its order. A plan that scans or sorts all later replicas
 * for each page makes the check quadratic in the RSE's size.
 */
class ConsistencyPagePlanTest extends StoreTest {

    private static void operators(Plan plan, List<String> out) {
        out.add(plan.operatorType());
        plan.children().forEach(c -> operators(c, out));
    }

    @Test
    void aPageIsAnIndexSeekInPathOrderWithoutASort() {
        store.run("""
                CREATE (:Rse {id: 'big', rse: 'BIG'}), (:Rse {id: 'small', rse: 'SMALL'})
                """, Map.of());
        store.run("""
                MATCH (big:Rse {id: 'big'}), (small:Rse {id: 'small'})
                UNWIND range(1, 5000) AS i
                CREATE (f:Did {key: 's:f' + i, scope: 's', name: 'f' + i})
                CREATE (f)-[:REPLICA {rse_id: 'big', path: 's/' + (i % 97) + '/f' + i, state: 'AVAILABLE'}]->(big)
                FOREACH (_ IN CASE WHEN i % 500 = 0 THEN [1] ELSE [] END |
                    CREATE (f)-[:REPLICA {rse_id: 'small', path: 's/f' + i, state: 'AVAILABLE'}]->(small))
                """, Map.of());
        Plan plan = store.read(tx -> tx.run("EXPLAIN " + ConsistencyStore.PAGE,
                Map.of("rse", "big", "after", "s/5", "limit", 100)).consume().plan());
        List<String> ops = new ArrayList<>();
        operators(plan, ops);
        assertThat(ops).as(plan.toString()).anyMatch(o -> o.contains("Relationship") && o.contains("IndexSeek"))
                .noneMatch(o -> o.contains("Sort") || o.startsWith("Top") || o.contains("AllNodesScan")
                        || o.contains("NodeByLabelScan") || o.contains("RelationshipTypeScan"));

        List<String> page = new ConsistencyStore(store).page("big", "s/5", 100).stream()
                .map(ConsistencyStore.CatalogEntry::path).toList();
        assertThat(page).hasSize(100).isSorted().allMatch(p -> p.compareTo("s/5") > 0);
    }
}
