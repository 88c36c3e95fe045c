package org.stevedore.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.testing.StoreTest;

class SchemaMigratorTest extends StoreTest {

    @AfterEach
    void restoreVersion() {
        store.run("MATCH (v:SchemaVersion {name: 'catalog'}) SET v.version = $v", Map.of("v", Schema.latestVersion()));
    }

    @Test
    void recordsTheLatestVersionAndCreatesTheConstraints() {
        assertThat(new SchemaMigrator(store).currentVersion()).isEqualTo(Schema.latestVersion());
        List<String> constraints = store.read(tx -> tx.run("SHOW CONSTRAINTS YIELD name RETURN name").list(
                r -> r.get("name").asString()));
        assertThat(constraints).contains("did_key", "rse_name", "account_name", "heartbeat_key");
    }

    @Test
    void migratingAgainIsANoOp() {
        new SchemaMigrator(store).migrate();
        new SchemaMigrator(store).migrate();
        assertThat(new SchemaMigrator(store).currentVersion()).isEqualTo(Schema.latestVersion());
    }

    @Test
    void appliesOnlyTheStepsTheStoreHasNotSeen() {
        List<Migration> next = new java.util.ArrayList<>(Schema.MIGRATIONS);
        int version = Schema.latestVersion() + 1;
        next.add(new Migration(version, "test step", List.of(
                "CREATE INDEX test_only_index IF NOT EXISTS FOR (t:TestOnly) ON (t.x)")));
        new SchemaMigrator(store, next).migrate();
        assertThat(new SchemaMigrator(store).currentVersion()).isEqualTo(version);
        store.run("DROP INDEX test_only_index IF EXISTS", Map.of());
    }

    @Test
    void step10GivesRequestsAlreadySubmittedTheirTransferJobsAndRequeuesClaimedOnes() {
        store.run("""
                UNWIND range(0, 4) AS i
                CREATE (:Request {key: 's:f' + i + '|dst', state: CASE WHEN i < 4 THEN 'SUBMITTED' ELSE 'SUBMITTING' END,
                                  external_id: CASE WHEN i < 4 THEN 'job-' + (i % 2) END, hash_bucket: 100 + i,
                                  external_host: 'https://fts.example.org:8446', submitted_at: 1000 + i})
                """, Map.of());
        store.run("MATCH (v:SchemaVersion {name: 'catalog'}) SET v.version = 9", Map.of());

        new SchemaMigrator(store).migrate();

        List<String> jobs = store.read(tx -> tx.run("""
                MATCH (j:TransferJob) RETURN j.id + ' ' + j.host + ' ' + j.files + ' ' + (j.hash_bucket >= 100) AS j
                ORDER BY j
                """).list(r -> r.get("j").asString()));
        assertThat(jobs).containsExactly("job-0 https://fts.example.org:8446 2 true",
                "job-1 https://fts.example.org:8446 2 true");
        String claimed = store.read(tx -> tx.run("MATCH (q:Request {key: 's:f4|dst'}) RETURN q.state").single()
                .get(0).asString());
        assertThat(claimed).isEqualTo("QUEUED");
    }

    @Test
    void step11ReplacesTheThreeRequestStateIndexesWithOne() {
        // A store at version 10 has the three indexes the step replaces.
        for (String index : List.of(
                "CREATE INDEX request_state IF NOT EXISTS FOR (q:Request) ON (q.state)",
                "CREATE INDEX request_dest_state IF NOT EXISTS FOR (q:Request) ON (q.dest_rse_id, q.state)",
                "CREATE INDEX request_claim_order IF NOT EXISTS FOR (q:Request) ON (q.state, q.priority, q.created_at)",
                "DROP INDEX request_queue IF EXISTS")) {
            store.run(index, Map.of());
        }
        store.run("MATCH (v:SchemaVersion {name: 'catalog'}) SET v.version = 10", Map.of());

        new SchemaMigrator(store).migrate();

        List<String> indexes = store.read(tx -> tx.run("""
                SHOW INDEXES YIELD name, labelsOrTypes, properties WHERE 'Request' IN labelsOrTypes
                RETURN name + ' ' + reduce(s = '', p IN properties | s + '/' + p) AS i ORDER BY i
                """).list(r -> r.get("i").asString()));
        assertThat(indexes).containsExactly("request_job /external_id", "request_key /key",
                "request_queue /state/dest_rse_id/priority/created_at");
    }

    @Test
    void refusesAStoreNewerThanTheCode() {
        store.run("MATCH (v:SchemaVersion {name: 'catalog'}) SET v.version = $v",
                Map.of("v", Schema.latestVersion() + 5));
        assertThatThrownBy(() -> new SchemaMigrator(store).migrate())
                .isInstanceOf(StoreNewerThanCode.class)
                .hasMessageContaining("schema version " + (Schema.latestVersion() + 5));
    }
}
