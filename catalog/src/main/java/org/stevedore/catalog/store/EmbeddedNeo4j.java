package org.stevedore.catalog.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process Neo4j server of the default deployment. It exposes Bolt on localhost only, so the rest of the
 * service reaches it through the Java driver exactly as it would reach a remote server or a cluster; Bolt asks for
 * the {@code neo4j} user's password ({@link BoltPassword}), since localhost is shared with every local user.
 */
public final class EmbeddedNeo4j implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedNeo4j.class);

    private final DatabaseManagementService dbms;
    private final int boltPort;
    private final String password;

    private EmbeddedNeo4j(DatabaseManagementService dbms, int boltPort, String password) {
        this.dbms = dbms;
        this.boltPort = boltPort;
        this.password = password;
    }

    /**
     * Starts a server keeping its files under {@code home}, with Bolt authentication on: the {@code neo4j} user's
     * password is the one in {@link BoltPassword#file}, generated on the first start. A port of 0 picks a free one.
     *
     * @param pageCacheBytes page cache size; 0 leaves Neo4j's own default
     */
    public static EmbeddedNeo4j start(Path home, int port, long pageCacheBytes) {
        long started = System.nanoTime();
        String password = password(home, pageCacheBytes);
        DatabaseManagementService dbms = builder(home, pageCacheBytes)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("localhost", port))
                .build();
        try {
            GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            int bolt = db.getDependencyResolver()
                    .resolveDependency(ConnectorPortRegister.class)
                    .getLocalAddress(ConnectorType.BOLT)
                    .getPort();
            log.info("Embedded Neo4j started under {} with Bolt on localhost:{} in {} ms (user {}, password in {})",
                    home.toAbsolutePath(), bolt, (System.nanoTime() - started) / 1_000_000, BoltPassword.USER,
                    BoltPassword.file(home).toAbsolutePath());
            return new EmbeddedNeo4j(dbms, bolt, password);
        } catch (RuntimeException e) {
            dbms.shutdown();
            throw e;
        }
    }

    /**
     * The password the server will ask for, made so before Bolt opens: kept from an earlier start; for a new store,
     * written as Neo4j's initial user (what {@code neo4j-admin dbms set-initial-password} does), which the system
     * database takes on its creation; for a store without a password file (made before authentication was on, or
     * whose file an operator removed to change the password), set with Bolt closed and only then written to the file.
     */
    private static String password(Path home, long pageCacheBytes) {
        Optional<String> kept = BoltPassword.read(home);
        boolean created = Files.exists(home.resolve("data").resolve("databases").resolve(GraphDatabaseSettings.SYSTEM_DATABASE_NAME));
        if (kept.isPresent()) {
            if (!created) {
                InitialUser.write(home, kept.get());
            }
            return kept.get();
        }
        String password = BoltPassword.generate();
        if (created) {
            setPasswordWithBoltClosed(home, pageCacheBytes, password);
            BoltPassword.write(home, password);
            log.info("Embedded Neo4j under {}: a new password for user {} was set and written to {}",
                    home.toAbsolutePath(), BoltPassword.USER, BoltPassword.file(home).toAbsolutePath());
        } else {
            // The file first: should the start fail, the next one takes the same password as the initial user.
            BoltPassword.write(home, password);
            InitialUser.write(home, password);
            log.info("Embedded Neo4j under {}: a password for user {} was generated into {}",
                    home.toAbsolutePath(), BoltPassword.USER, BoltPassword.file(home).toAbsolutePath());
        }
        return password;
    }

    private static void setPasswordWithBoltClosed(Path home, long pageCacheBytes, String password) {
        DatabaseManagementService dbms = builder(home, pageCacheBytes).setConfig(BoltConnector.enabled, false).build();
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER " + BoltPassword.USER + " SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } finally {
            dbms.shutdown();
        }
    }

    private static DatabaseManagementServiceBuilder builder(Path home, long pageCacheBytes) {
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.logs_directory, home.resolve("logs").toAbsolutePath())
                // The default waits ~10 s for Bolt threads and open transactions on shutdown.
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(100))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(100))
                .setConfig(BoltConnectorInternalSettings.enable_local_connector, false)
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofMillis(500))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false);
        if (pageCacheBytes > 0) {
            builder.setConfig(GraphDatabaseSettings.pagecache_memory, pageCacheBytes);
        }
        return builder;
    }

    public int boltPort() {
        return boltPort;
    }

    public String boltUri() {
        return "bolt://localhost:" + boltPort;
    }

    /** The user and password the service's own driver logs in with. */
    AuthToken authToken() {
        return AuthTokens.basic(BoltPassword.USER, password);
    }

    @Override
    public String toString() {
        return "EmbeddedNeo4j[" + boltUri() + "]";
    }

    @Override
    public void close() {
        long started = System.nanoTime();
        dbms.shutdown();
        log.info("Embedded Neo4j stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
    }
}
