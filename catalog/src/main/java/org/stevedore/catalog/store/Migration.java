package org.stevedore.catalog.store;

import java.util.List;

/**
 * One step of the schema. Statements must be idempotent ({@code IF NOT EXISTS}) because a crash between a
 * statement and the version bump replays the step.
 *
 * @param checks queries run before the statements, each answering one row per problem in a column {@code problem}
 *               (at most a few): any row stops the migration, and the start, naming the problems, for data the step
 *               cannot repair on its own (duplicates a new uniqueness constraint would refuse)
 */
public record Migration(int version, String description, List<String> checks, List<String> statements) {

    public Migration {
        checks = List.copyOf(checks);
        statements = List.copyOf(statements);
    }

    public Migration(int version, String description, List<String> statements) {
        this(version, description, List.of(), statements);
    }
}
