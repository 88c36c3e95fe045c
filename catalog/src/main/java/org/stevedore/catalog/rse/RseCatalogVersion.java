package org.stevedore.catalog.rse;

import java.util.stream.Collectors;
import org.neo4j.driver.TransactionContext;

/**
 * A counter that every write to RSEs, their settings or their attributes increments in its own transaction, so that a
 * cache of RSE expression results can tell with one cheap read whether anything changed, on any instance sharing the
 * graph. The node {@code (:RseCatalogVersion {name: 'rse', epoch, counter})} is created by the first write; its
 * random {@code epoch} keeps a counter that restarts (graph emptied, node deleted) from repeating an old token.
 */
final class RseCatalogVersion {

    /** The token while no RSE write has happened yet (no counter node). */
    static final String NONE = "none";

    private RseCatalogVersion() {
    }

    static void increment(TransactionContext tx) {
        tx.run("""
                MERGE (v:RseCatalogVersion {name: 'rse'})
                  ON CREATE SET v.epoch = randomUUID(), v.counter = 0
                SET v.counter = v.counter + 1
                """).consume();
    }

    /**
     * The current token. Without a uniqueness constraint two first writes racing could each create a counter node;
     * every later write increments all of them (MERGE matches all), so joining them all still changes on each write.
     */
    static String read(TransactionContext tx) {
        String token = tx.run("MATCH (v:RseCatalogVersion) RETURN v.epoch AS epoch, v.counter AS counter ORDER BY epoch")
                .list(r -> r.get("epoch").asString() + ":" + r.get("counter").asLong())
                .stream().collect(Collectors.joining(","));
        return token.isEmpty() ? NONE : token;
    }
}
