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
    void step12GivesReplicasTheirRseAndRefusesAStoreWhereTwoShareAPath() {
        // A store at version 11: no constraint, replicas without the RSE's id, two files at one path of DISK1.
        store.run("DROP CONSTRAINT replica_path IF EXISTS", Map.of());
        try {
            store.run("""
                    CREATE (a:Rse {id: 'id1', rse: 'DISK1'}), (b:Rse {id: 'id2', rse: 'DISK2'})
                    CREATE (:Did {key: 's:victim'})-[:REPLICA {path: 's/ab/cd/victim'}]->(a)
                    CREATE (t:Did {key: 's:thief'})-[:REPLICA {path: 's/ab/cd/victim'}]->(a)
                    CREATE (t)-[:REPLICA {path: 's/ab/cd/victim'}]->(b)
                    CREATE (:Did {key: 's:other'})-[:REPLICA {path: 's/ef/01/other'}]->(a)
                    """, Map.of());
            store.run("MATCH (v:SchemaVersion {name: 'catalog'}) SET v.version = 11", Map.of());

            assertThatThrownBy(() -> new SchemaMigrator(store).migrate()).isInstanceOf(StoreMigrationRefused.class)
                    .hasMessageContaining("schema version 12")
                    .hasMessageContaining("RSE DISK1 path s/ab/cd/victim is the replica of 2 files: s:")
                    .hasMessageContaining("s:victim").hasMessageContaining("s:thief")
                    .message().doesNotContain("DISK2").doesNotContain("s:other");
            assertThat(new SchemaMigrator(store).currentVersion()).isEqualTo(11);
            assertThat(constraints()).doesNotContain("replica_path");

            // The operator removes the false claim; the step then applies.
            store.run("MATCH (:Did {key: 's:thief'})-[r:REPLICA]->(:Rse {rse: 'DISK1'}) DELETE r", Map.of());
            new SchemaMigrator(store).migrate();
            assertThat(new SchemaMigrator(store).currentVersion()).isEqualTo(Schema.latestVersion());
            assertThat(constraints()).contains("replica_path");
            List<String> rseIds = store.read(tx -> tx.run("""
                    MATCH (d:Did)-[r:REPLICA]->(rse:Rse) RETURN d.key + '@' + rse.rse + '=' + r.rse_id AS r ORDER BY r
                    """).list(r -> r.get("r").asString()));
            assertThat(rseIds).containsExactly("s:other@DISK1=id1", "s:thief@DISK2=id2", "s:victim@DISK1=id1");
        } finally {
            store.run("CREATE CONSTRAINT replica_path IF NOT EXISTS FOR ()-[r:REPLICA]-() "
                    + "REQUIRE (r.rse_id, r.path) IS UNIQUE", Map.of());
        }
    }

    private List<String> constraints() {
        return store.read(tx -> tx.run("SHOW CONSTRAINTS YIELD name RETURN name").list(r -> r.get("name").asString()));
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
