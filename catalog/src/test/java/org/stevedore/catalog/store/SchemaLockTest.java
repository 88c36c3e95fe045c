package org.stevedore.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.testing.StoreTest;

/** Instances that start at once on one store: one migrates, the others wait and then find nothing to do. */
class SchemaLockTest extends StoreTest {

    private final String ledger = "test-" + UUID.randomUUID();
    private final ExecutorService threads = Executors.newFixedThreadPool(4);

    @AfterEach
    void cleanUp() {
        threads.shutdownNow();
        store.run("MATCH (v:SchemaVersion {name: $name}) DELETE v", Map.of("name", ledger));
    }

    /** Steps that are deliberately not idempotent: each run leaves a node, so a step run twice shows. */
    private List<Migration> steps() {
        List<Migration> steps = new ArrayList<>();
        for (int v = 1; v <= 3; v++) {
            steps.add(new Migration(v, "step " + v, List.of("""
                    UNWIND range(1, 300000) AS i WITH count(i) AS n
                    CREATE (:MigrationRun {ledger: '%s', step: %d})""".formatted(ledger, v))));
        }
        return steps;
    }

    private SchemaMigrator migrator(Duration lease) {
        return new SchemaMigrator(store, steps(), ledger, lease);
    }

    @Test
    void ofFourInstancesStartingAtOnceOneRunsEachStepOnce() throws Exception {
        CyclicBarrier start = new CyclicBarrier(4);
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                migrator(Duration.ofMinutes(1)).migrate();
            }, threads));
        }
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);

        List<Long> perStep = store.read(tx -> tx.run("""
                MATCH (r:MigrationRun {ledger: $ledger}) RETURN r.step AS step, count(r) AS runs ORDER BY step""",
                Map.of("ledger", ledger)).list(r -> r.get("runs").asLong()));
        assertThat(perStep).as("runs of steps 1, 2, 3").containsExactly(1L, 1L, 1L);
        assertThat(migrator(Duration.ofMinutes(1)).currentVersion()).isEqualTo(3);
    }

    @Test
    void aLiveHolderIsWaitedForAndACrashedOneOnlyUntilItsLeaseRunsOut() throws Exception {
        new SchemaLock(store, ledger, Duration.ofMinutes(1)).acquire();
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> migrator(Duration.ofMinutes(1)).migrate(),
                threads);
        try {
            waiting.get(2, TimeUnit.SECONDS);
            throw new AssertionError("migrated while another instance held the lock");
        } catch (TimeoutException expected) {
            // still waiting
        }
        assertThat(migrator(Duration.ofMinutes(1)).currentVersion()).isZero();

        // The holder crashes: nobody renews, and its lease runs out.
        store.run("MATCH (l:SchemaLock {name: $name}) SET l.expires_at = timestamp() - 1", Map.of("name", ledger));
        waiting.get(2, TimeUnit.MINUTES);
        assertThat(migrator(Duration.ofMinutes(1)).currentVersion()).isEqualTo(3);
        boolean released = store.read(tx -> tx.run("MATCH (l:SchemaLock {name: $name}) RETURN l.holder AS h",
                Map.of("name", ledger)).single().get("h").isNull());
        assertThat(released).as("released").isTrue();
    }
}
