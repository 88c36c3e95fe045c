package org.stevedore.catalog.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.neo4j.driver.Record;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.TransientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock that lets one instance at a time migrate the schema: a {@code (:SchemaLock {name})} node, unique by name,
 * held by one holder until its lease runs out. The holder renews the lease after every step; one that crashed stops
 * renewing, and the next instance takes the lock once the lease has run out, so a dead migrator blocks nobody for
 * longer than the lease. Times are the database server's ({@code timestamp()}), so the instances' clocks do not matter.
 */
final class SchemaLock {

    private static final Logger log = LoggerFactory.getLogger(SchemaLock.class);
    /** How long a holder may go without renewing; longer than any one migration statement is expected to take. */
    static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);
    private static final Duration POLL = Duration.ofMillis(500);

    private final Store store;
    private final String name;
    private final Duration lease;
    private final String holder = UUID.randomUUID().toString();

    SchemaLock(Store store, String name, Duration lease) {
        this.store = store;
        this.name = name;
        this.lease = lease;
    }

    /** Waits until this holder has the lock. */
    void acquire() {
        ensureConstraint();
        long waitingSince = System.nanoTime();
        boolean logged = false;
        while (!tryAcquire()) {
            if (!logged && System.nanoTime() - waitingSince > Duration.ofSeconds(5).toNanos()) {
                log.info("Waiting for another instance to finish migrating the {} schema", name);
                logged = true;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the schema lock", e);
            }
        }
    }

    /** Moves the lease on; answers false if another holder took the lock meanwhile (our lease ran out). */
    boolean renew() {
        return !store.run("""
                MATCH (l:SchemaLock {name: $name}) WHERE l.holder = $holder
                SET l.expires_at = timestamp() + $lease
                RETURN l""", Map.of("name", name, "holder", holder, "lease", lease.toMillis())).isEmpty();
    }

    void release() {
        store.run("MATCH (l:SchemaLock {name: $name}) WHERE l.holder = $holder SET l.holder = null, l.expires_at = null",
                Map.of("name", name, "holder", holder));
    }

    private boolean tryAcquire() {
        Map<String, Object> params = Map.of("name", name, "holder", holder, "lease", lease.toMillis());
        return store.write(tx -> {
            // The MERGE locks the node (the constraint makes it one node for everybody) before its holder is read.
            tx.run("MERGE (l:SchemaLock {name: $name}) SET l.touched_at = timestamp()", params).consume();
            List<Record> rows = tx.run("""
                    MATCH (l:SchemaLock {name: $name})
                    WITH l, l.holder IS NULL OR l.holder = $holder OR l.expires_at < timestamp() AS free
                    SET l.holder = CASE WHEN free THEN $holder ELSE l.holder END,
                        l.expires_at = CASE WHEN free THEN timestamp() + $lease ELSE l.expires_at END
                    RETURN free""", params).list();
            return rows.get(0).get("free").asBoolean();
        });
    }

    /** The constraint must exist before the first MERGE; instances creating it at once may clash, so try again. */
    private void ensureConstraint() {
        for (int attempt = 1; ; attempt++) {
            try {
                store.run("CREATE CONSTRAINT schema_lock_name IF NOT EXISTS FOR (l:SchemaLock) REQUIRE l.name IS UNIQUE",
                        Map.of());
                return;
            } catch (ClientException | TransientException e) {
                if (attempt >= 5) {
                    throw e;
                }
                log.debug("Creating the schema lock's constraint clashed ({}); trying again", e.getMessage());
                try {
                    Thread.sleep(200L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
