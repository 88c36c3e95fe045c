package org.stevedore.catalog.store;

import java.nio.file.Path;

/**
 * Where the catalog lives. With no {@code uri}, an embedded server is started under {@code embeddedHome};
 * with a {@code uri} ({@code bolt://}, {@code neo4j://} for a cluster, or their {@code +s} variants) the driver
 * connects there and nothing is started.
 *
 * @param batchSize rows per {@code UNWIND} round trip in bulk writes
 */
public record StoreSettings(
        String uri,
        String username,
        String password,
        String database,
        Path embeddedHome,
        int embeddedBoltPort,
        long embeddedPageCacheBytes,
        int batchSize) {

    public StoreSettings {
        if (database == null || database.isBlank()) {
            database = "neo4j";
        }
        if (embeddedHome == null) {
            embeddedHome = Path.of("data", "neo4j");
        }
        if (batchSize <= 0) {
            batchSize = 5_000;
        }
    }

    public static StoreSettings embedded(Path home) {
        return new StoreSettings(null, null, null, null, home, 0, 0, 0);
    }

    public boolean isEmbedded() {
        return uri == null || uri.isBlank();
    }
}
