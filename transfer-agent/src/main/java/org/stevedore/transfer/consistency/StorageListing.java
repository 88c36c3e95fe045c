package org.stevedore.transfer.consistency;

import java.io.IOException;
import java.time.Instant;
import java.util.Iterator;

/**
 * What a storage holds under an RSE's prefix, for the consistency check: paths relative to the prefix (as replicas
 * store them), in {@link String} order, each once, so that they merge with the catalog's paths read in the same order
 * without holding either side in memory.
 */
public interface StorageListing {

    /** A cursor over the paths; the caller closes it. */
    interface Paths extends Iterator<String>, AutoCloseable {
        /** Lines or entries passed over because they were no safe relative path (a dump can say anything). */
        long refused();

        @Override
        void close() throws IOException;
    }

    /** {@code posix}, {@code dump} or {@code webdav}: how the listing was made. */
    String source();

    /** When the storage was in the state listed: catalog replicas newer than this are not missing. */
    Instant listedAt();

    Paths open() throws IOException;
}
