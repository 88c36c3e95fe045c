package org.stevedore.catalog.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the schema migrations the store has not seen yet and records the version reached. */
final class SchemaMigrator {

    private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

    private final Store store;
    private final List<Migration> migrations;

    SchemaMigrator(Store store) {
        this(store, Schema.MIGRATIONS);
    }

    SchemaMigrator(Store store, List<Migration> migrations) {
        this.store = store;
        this.migrations = migrations;
    }

    int currentVersion() {
        List<Record> rows = store.read(tx -> tx.run(
                "MATCH (v:SchemaVersion {name: 'catalog'}) RETURN v.version AS version").list());
        return rows.isEmpty() ? 0 : rows.get(0).get("version").asInt();
    }

    void migrate() {
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
            store.run("MERGE (v:SchemaVersion {name: 'catalog'}) SET v.version = $version, v.applied_at = timestamp()",
                    Map.of("version", migration.version()));
            log.info("Catalog schema migrated to version {}: {}", migration.version(), migration.description());
        }
        store.run("CALL db.awaitIndexes(300)", Map.of());
    }
}
