package org.stevedore.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.StoreSettings;

/** A fresh embedded store with the catalog schema, in a temporary directory removed again on close. */
final class TempStore implements AutoCloseable {

    private final Path home;
    private final Store store;

    private TempStore(Path home, Store store) {
        this.home = home;
        this.store = store;
    }

    static TempStore open(Options options, String label) {
        Path home = newHome(options, label);
        try {
            // Bolt port 0: a free one, so runs side by side never collide. Default batch size, as in production.
            return new TempStore(home, Store.open(new StoreSettings(null, null, null, null, home, 0,
                    (long) options.pageCacheMb() << 20, 0)));
        } catch (RuntimeException e) {
            deleteTree(home, "the temporary store");
            throw e;
        }
    }

    /** The temporary directory, removed on close: where a scenario may put files of its own. */
    Path home() {
        return home;
    }

    Store store() {
        return store;
    }

    @Override
    public void close() {
        try {
            store.close();
        } finally {
            deleteTree(home, "the temporary store");
        }
    }

    /** A fresh directory {@code stevedore-bench-<label>...} under {@code --data-dir}, or the system's temp directory. */
    static Path newHome(Options options, String label) {
        try {
            return options.dataDir() == null
                    ? Files.createTempDirectory("stevedore-bench-" + label)
                    : Files.createTempDirectory(Files.createDirectories(options.dataDir()), "stevedore-bench-" + label);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes {@code root} and everything under it; {@code what} names it in the error. */
    static void deleteTree(Path root, String what) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not remove " + what + " " + root, e);
        }
    }
}
