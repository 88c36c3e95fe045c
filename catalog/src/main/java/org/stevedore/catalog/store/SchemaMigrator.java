package org.stevedore.catalog.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the schema migrations the store has not seen yet and records the version reached. Several instances may
 * start at once on one store: each takes the {@link SchemaLock} first, so one migrates while the others wait, then
 * find the version reached and do nothing.
 */
final class SchemaMigrator {

    private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

    private final Store store;
    private final List<Migration> migrations;
    private final String name;
    private final Duration lease;

    SchemaMigrator(Store store) {
        this(store, Schema.MIGRATIONS);
    }

    SchemaMigrator(Store store, List<Migration> migrations) {
        this(store, migrations, "catalog", SchemaLock.DEFAULT_LEASE);
    }

    /** @param name the ledger's name (its SchemaVersion and SchemaLock nodes), {@code catalog} but in tests */
    SchemaMigrator(Store store, List<Migration> migrations, String name, Duration lease) {
        this.store = store;
        this.migrations = migrations;
        this.name = name;
        this.lease = lease;
    }

    int currentVersion() {
        List<Record> rows = store.read(tx -> tx.run(
                "MATCH (v:SchemaVersion {name: $name}) RETURN v.version AS version", Map.of("name", name)).list());
        return rows.isEmpty() ? 0 : rows.get(0).get("version").asInt();
    }

    void migrate() {
        int latest = migrations.get(migrations.size() - 1).version();
        int seen = currentVersion();
        if (seen > latest) {
            throw new StoreNewerThanCode(seen, latest);
        }
        if (seen < latest) {
            SchemaLock lock = new SchemaLock(store, name, lease);
            lock.acquire();
            try {
                // Read again under the lock: another instance may have migrated while this one waited.
                migrateLocked(lock);
            } finally {
                lock.release();
            }
        }
        store.run("CALL db.awaitIndexes(300)", Map.of());
    }

    private void migrateLocked(SchemaLock lock) {
        int latest = migrations.get(migrations.size() - 1).version();
        int current = currentVersion();
        if (current > latest) {
            throw new StoreNewerThanCode(current, latest);
        }
        for (Migration migration : migrations) {
            if (migration.version() <= current) {
                continue;
            }
            List<String> problems = new ArrayList<>();
            for (String check : migration.checks()) {
                store.read(tx -> tx.run(check).list(r -> r.get("problem").asString())).forEach(problems::add);
            }
            if (!problems.isEmpty()) {
                throw new StoreMigrationRefused(migration, problems);
            }
            // Schema statements may not share a transaction with data writes, nor with each other; a data statement
            // that commits in slices (CALL ... IN TRANSACTIONS) runs outside any transaction of ours.
            for (String statement : migration.statements()) {
                if (statement.contains("IN TRANSACTIONS")) {
                    store.runAutoCommit(statement);
                } else {
                    store.run(statement, Map.of());
                }
            }
            store.run("MERGE (v:SchemaVersion {name: $name}) SET v.version = $version, v.applied_at = timestamp()",
                    Map.of("name", name, "version", migration.version()));
            log.info("Catalog schema migrated to version {}: {}", migration.version(), migration.description());
            if (!lock.renew()) {
                log.warn("The schema lock's lease ran out during step {}; another instance may be migrating too "
                        + "(steps are idempotent)", migration.version());
            }
        }
    }
}
