package org.stevedore.catalog.store;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Bookmark;
import org.neo4j.driver.BookmarkManager;
import org.neo4j.driver.BookmarkManagerConfig;
import org.neo4j.driver.BookmarkManagers;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.exceptions.AuthenticationException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.error.DatabaseException;
import org.stevedore.catalog.metrics.StevedoreMetrics;

/**
 * The catalog's only door to Neo4j: transactions through the Java driver, against the embedded server or an
 * external one alike. Every Cypher statement of the project runs through here, from the catalog's stores.
 *
 * <p>Ready for a cluster ({@code neo4j://} routing URI): reads run in read transactions, which the driver may send to
 * secondaries, writes in write transactions, which go to the leader, both retried by the driver on transient errors
 * (leader switch, deadlock). Every session of this process shares one {@link BookmarkManager}, so a read always sees
 * what this process committed before it (causal chaining): without it, a secondary that has not yet applied the
 * leader's latest transaction could answer a read with the state before a write this instance just made (a rule it
 * just created, a request it just claimed). On a single server the bookmarks cost nothing.
 */
public final class Store implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Store.class);
    /** Records pulled per round trip while streaming a result. */
    private static final int FETCH_SIZE = 2_000;
    /** Transaction times, driver retries included, by kind and whether they committed: the store's health in figures. */
    private static final Timer WRITE_OK = transactionTimer("write", "committed");
    private static final Timer WRITE_ERROR = transactionTimer("write", "failed");
    private static final Timer READ_OK = transactionTimer("read", "committed");
    private static final Timer READ_ERROR = transactionTimer("read", "failed");

    private final Driver driver;
    private final EmbeddedNeo4j embedded;
    private final StoreSettings settings;
    private final String uri;
    private final BookmarkManager bookmarks = BookmarkManagers.defaultManager(BookmarkManagerConfig.builder().build());

    private Store(Driver driver, EmbeddedNeo4j embedded, StoreSettings settings, String uri) {
        this.driver = driver;
        this.embedded = embedded;
        this.settings = settings;
        this.uri = uri;
    }

    /** Connects (starting the embedded server first when no URI is configured) and applies the schema. */
    public static Store open(StoreSettings settings) {
        EmbeddedNeo4j embedded = null;
        String uri = settings.uri();
        AuthToken auth = AuthTokens.none();
        if (settings.isEmbedded()) {
            embedded = EmbeddedNeo4j.start(settings.embeddedHome(), settings.embeddedBoltPort(),
                    settings.embeddedPageCacheBytes());
            uri = embedded.boltUri();
            auth = embedded.authToken();
        } else if (settings.username() != null && !settings.username().isBlank()) {
            auth = AuthTokens.basic(settings.username(), settings.password() == null ? "" : settings.password());
        }
        Driver driver = null;
        try {
            driver = GraphDatabase.driver(uri, auth, Config.builder()
                    .withMaxConnectionPoolSize(64)
                    .withConnectionAcquisitionTimeout(30, TimeUnit.SECONDS)
                    .withLogging(org.neo4j.driver.Logging.slf4j())
                    .build());
            try {
                driver.verifyConnectivity();
            } catch (AuthenticationException e) {
                if (embedded != null) {
                    throw new IllegalStateException("The embedded Neo4j under " + settings.embeddedHome().toAbsolutePath()
                            + " refuses the password in " + BoltPassword.file(settings.embeddedHome()).toAbsolutePath()
                            + "; to set a new one, stop the service, remove that file and start again", e);
                }
                throw e;
            }
            if (embedded == null) {
                // Which server or cluster this instance works on: the operator's first question about an instance.
                log.info("Catalog store on the external Neo4j at {} (database {}, user {})", uri, settings.database(),
                        settings.username());
            }
            Store store = new Store(driver, embedded, settings, uri);
            new SchemaMigrator(store).migrate();
            return store;
        } catch (RuntimeException e) {
            if (driver != null) {
                driver.close();
            }
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    public StoreSettings settings() {
        return settings;
    }

    public int batchSize() {
        return settings.batchSize();
    }

    /** The Bolt URI the driver connects to; for the embedded server, its localhost address. */
    public String uri() {
        return uri;
    }

    /** The driver itself, for tools that write on their own, such as the benchmark's raw baseline. */
    public Driver driver() {
        return driver;
    }

    private Session session() {
        return session(AccessMode.WRITE);
    }

    /** A session chained after everything this process committed (the shared bookmark manager). */
    private Session session(AccessMode mode) {
        return driver.session(SessionConfig.builder()
                .withDatabase(settings.database())
                .withFetchSize(FETCH_SIZE)
                .withDefaultAccessMode(mode)
                .withBookmarkManager(bookmarks)
                .build());
    }

    /** The bookmarks of this process's latest commits, which every new session waits for. */
    public Set<Bookmark> bookmarks() {
        return bookmarks.getBookmarks();
    }

    /**
     * Runs {@code work} in one write transaction, retried by the driver on transient failures (so {@code work}
     * must only touch the transaction). A domain exception thrown by {@code work} rolls everything back.
     */
    public <T> T write(Function<TransactionContext, T> work) {
        long started = System.nanoTime();
        boolean committed = false;
        try (Session session = session()) {
            T result = session.executeWrite(work::apply);
            committed = true;
            return result;
        } catch (ServiceUnavailableException | SessionExpiredException e) {
            throw new DatabaseException("The catalog store is unavailable: " + e.getMessage());
        } finally {
            (committed ? WRITE_OK : WRITE_ERROR).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Runs {@code work} in one read transaction, retried by the driver on transient failures; in a cluster it may
     * run on a secondary, which first catches up with this process's own writes (bookmarks).
     */
    public <T> T read(Function<TransactionContext, T> work) {
        long started = System.nanoTime();
        boolean committed = false;
        try (Session session = session(AccessMode.READ)) {
            T result = session.executeRead(work::apply);
            committed = true;
            return result;
        } catch (ServiceUnavailableException | SessionExpiredException e) {
            throw new DatabaseException("The catalog store is unavailable: " + e.getMessage());
        } finally {
            (committed ? READ_OK : READ_ERROR).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private static Timer transactionTimer(String kind, String outcome) {
        return StevedoreMetrics.timer(StevedoreMetrics.STORE_TRANSACTIONS,
                "Catalog store transactions, driver retries included", Duration.ofSeconds(60),
                "kind", kind, StevedoreMetrics.OUTCOME, outcome);
    }

    /** One statement in its own write transaction. */
    public List<Record> run(String cypher, Map<String, Object> params) {
        return write(tx -> tx.run(cypher, params).list());
    }

    /**
     * One statement in an auto-commit transaction, for the statements that commit on their own ({@code CALL {...} IN
     * TRANSACTIONS}, schema migrations over large data). Not retried.
     */
    public void runAutoCommit(String cypher) {
        try (Session session = session()) {
            session.run(cypher).consume();
        } catch (ServiceUnavailableException | SessionExpiredException e) {
            throw new DatabaseException("The catalog store is unavailable: " + e.getMessage());
        }
    }

    /**
     * Streams the rows of a read query to {@code sink} as the driver fetches them, a batch at a time, without
     * holding the whole result. Not retried: rows already handed to the sink cannot be taken back. A read
     * transaction: in a cluster it may run on a secondary.
     */
    public void stream(String cypher, Map<String, Object> params, Consumer<Record> sink) {
        try (Session session = session(AccessMode.READ);
             Transaction tx = session.beginTransaction()) {
            Result result = tx.run(cypher, params);
            while (result.hasNext()) {
                sink.accept(result.next());
            }
            tx.commit();
        } catch (ServiceUnavailableException | SessionExpiredException e) {
            throw new DatabaseException("The catalog store is unavailable: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        long started = System.nanoTime();
        driver.close();
        if (embedded != null) {
            embedded.close();
        }
        log.info("Catalog store closed in {} ms", (System.nanoTime() - started) / 1_000_000);
    }
}
