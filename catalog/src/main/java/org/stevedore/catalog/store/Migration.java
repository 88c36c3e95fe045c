package org.stevedore.catalog.store;

import java.util.List;

/**
 * One step of the schema. Statements must be idempotent ({@code IF NOT EXISTS}) because a crash between a
 * statement and the version bump replays the step.
 */
public record Migration(int version, String description, List<String> statements) {
}
