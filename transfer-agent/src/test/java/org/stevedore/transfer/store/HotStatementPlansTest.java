package org.stevedore.transfer.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.summary.Plan;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.testing.StoreTest;

/**
 * The conveyor's and the throttler's statements find their requests, files and jobs by index seeks even when the planner believes the
 * indexes are empty, as it does on a new store: its indexes were last sampled when they were created, before the
 * first rule wrote any request. A plain {@code USING INDEX} hint then let the planner fulfil the hint with a scan of
 * the whole index for every row, so recording one claim of 5,000 requests on a store of 20,000 read 100 million
 * index entries (half a minute instead of a fraction of a second). {@code USING INDEX SEEK} rules that out.
 */
class HotStatementPlansTest extends StoreTest {

    /** Labels whose indexes the statements use; their indexes are made again, so the planner sees them as empty. */
    private static final List<String> LABELS = List.of("Request", "Did", "TransferJob");

    /** Operators that read every entry of an index or every node of a label. */
    private static final List<String> SCANS = List.of("NodeIndexScan", "NodeByLabelScan", "AllNodesScan",
            "NodeUniqueIndexScan");

    private static final Map<String, String> STATEMENTS = Map.ofEntries(
            Map.entry("CLAIM", RequestClaims.CLAIM.formatted(Partition.whole().cypherFilter("q"))),
            Map.entry("HOLD", RequestClaims.HOLD),
            Map.entry("RECORD_SUBMITTED", RequestClaims.RECORD_SUBMITTED),
            Map.entry("REQUEUE", RequestClaims.REQUEUE),
            Map.entry("FINISH_DONE", RequestOutcomes.FINISH_DONE),
            Map.entry("FINISH_FAILED", RequestOutcomes.FINISH_FAILED),
            Map.entry("FORGET_ENDED_JOBS", RequestOutcomes.FORGET_ENDED_JOBS),
            Map.entry("IN_FLIGHT", ThrottleStore.IN_FLIGHT),
            Map.entry("WAITING", ThrottleStore.WAITING),
            Map.entry("UNLIMITED", ThrottleStore.UNLIMITED.formatted(Partition.whole().cypherFilter("q"))),
            Map.entry("QUEUE", RequestQueue.QUEUE),
            Map.entry("FORGET_INTERRUPTED_JOBS", RequestOutcomes.FORGET_INTERRUPTED_JOBS));

    @Test
    void seeksInsteadOfScanningOnAStoreWhoseIndexesLookEmpty() {
        recreateIndexesOf(LABELS);
        store.write(tx -> tx.run("""
                UNWIND range(1, 2000) AS i
                CREATE (:Did {key: 'data:file.' + i, scope: 'data', name: 'file.' + i, type: 'FILE'})
                CREATE (:Request {key: 'data:file.' + i + '|rse-1', id: randomUUID(), did_key: 'data:file.' + i,
                                  dest_rse_id: 'rse-1', state: 'QUEUED', priority: 3, created_at: i,
                                  external_id: 'job-' + (i / 200), hash_bucket: i % 7})
                """).consume());
        store.write(tx -> tx.run("UNWIND range(0, 10) AS i CREATE (:TransferJob {id: 'job-' + i})").consume());

        SoftAssertions softly = new SoftAssertions();
        STATEMENTS.forEach((name, cypher) -> {
            List<String> operators = operators(store.read(tx -> tx.run("EXPLAIN " + cypher).consume().plan()));
            softly.assertThat(operators).as("operators of %s", name)
                    .noneMatch(op -> SCANS.stream().anyMatch(op::startsWith))
                    .anyMatch(op -> op.contains("IndexSeek"));
        });
        softly.assertAll();
    }

    private static List<String> operators(Plan plan) {
        List<String> out = new ArrayList<>();
        out.add(plan.operatorType());
        plan.children().forEach(child -> out.addAll(operators(child)));
        return out;
    }

    /** Drops and creates again every index and constraint of the labels, leaving them sampled as empty. */
    private void recreateIndexesOf(List<String> labels) {
        List<Map<String, Object>> constraints = store.read(tx -> tx.run("""
                SHOW CONSTRAINTS YIELD name, labelsOrTypes, createStatement
                WHERE any(l IN labelsOrTypes WHERE l IN $labels)
                RETURN name, createStatement
                """, Map.of("labels", labels)).list(r -> r.asMap()));
        List<Map<String, Object>> indexes = store.read(tx -> tx.run("""
                SHOW INDEXES YIELD name, labelsOrTypes, owningConstraint, createStatement
                WHERE any(l IN labelsOrTypes WHERE l IN $labels) AND owningConstraint IS NULL
                RETURN name, createStatement
                """, Map.of("labels", labels)).list(r -> r.asMap()));
        assertThat(constraints).as("constraints of %s", labels).isNotEmpty();
        for (Map<String, Object> c : constraints) {
            store.write(tx -> tx.run("DROP CONSTRAINT " + c.get("name")).consume());
            store.write(tx -> tx.run((String) c.get("createStatement")).consume());
        }
        for (Map<String, Object> i : indexes) {
            store.write(tx -> tx.run("DROP INDEX " + i.get("name")).consume());
            store.write(tx -> tx.run((String) i.get("createStatement")).consume());
        }
        store.write(tx -> tx.run("CALL db.awaitIndexes(60)").consume());
    }
}
