package org.stevedore.catalog.store;

import java.util.List;

/**
 * A schema step found data it cannot migrate on its own; the store is left at the version before the step, and
 * the operator resolves the problems named and starts again.
 */
public class StoreMigrationRefused extends IllegalStateException {
    public StoreMigrationRefused(Migration migration, List<String> problems) {
        super("The catalog store cannot be migrated to schema version " + migration.version() + " ("
                + migration.description() + "): " + String.join("; ", problems)
                + ". Resolve these and start again; nothing of this step was applied.");
    }
}
