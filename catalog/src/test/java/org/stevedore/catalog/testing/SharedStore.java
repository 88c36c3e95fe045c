package org.stevedore.catalog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.neo4j.driver.Session;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.StoreSettings;

/**
 * One embedded Neo4j per test JVM (starting one costs ~5 s), shared by every test class and emptied between tests.
 * Closed, and its files removed, when the JVM exits.
 */
public final class SharedStore {

    private static Store store;

    private SharedStore() {
    }

    public static synchronized Store get() {
        if (store == null) {
            try {
                Path home = Files.createTempDirectory("stevedore-test-neo4j");
                store = Store.open(new StoreSettings(null, null, null, null, home, 0, 64L << 20, 0));
                Store opened = store;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    opened.close();
                    deleteTree(home);
                }, "shared-store-shutdown"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return store;
    }

    /** Removes every node except the schema version, in chunks so a large test graph does not need one huge transaction. */
    public static void clean(Store store) {
        try (Session session = store.driver().session()) {
            session.run("MATCH (n) WHERE NOT n:SchemaVersion CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")
                    .consume();
        }
    }

    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort on exit
        }
    }
}
