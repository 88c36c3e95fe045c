package org.stevedore.catalog.store;

import java.nio.file.Path;
import java.time.Duration;
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
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process Neo4j server of the default deployment. It exposes Bolt on localhost only, so the rest of the
 * service reaches it through the Java driver exactly as it would reach a remote server or a cluster.
 */
public final class EmbeddedNeo4j implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedNeo4j.class);

    private final DatabaseManagementService dbms;
    private final int boltPort;

    private EmbeddedNeo4j(DatabaseManagementService dbms, int boltPort) {
        this.dbms = dbms;
        this.boltPort = boltPort;
    }

    /**
     * Starts a server keeping its files under {@code home}. A port of 0 picks a free one.
     *
     * @param pageCacheBytes page cache size; 0 leaves Neo4j's own default
     */
    public static EmbeddedNeo4j start(Path home, int port, long pageCacheBytes) {
        long started = System.nanoTime();
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("localhost", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
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
        DatabaseManagementService dbms = builder.build();
        try {
            GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            int bolt = db.getDependencyResolver()
                    .resolveDependency(ConnectorPortRegister.class)
                    .getLocalAddress(ConnectorType.BOLT)
                    .getPort();
            log.info("Embedded Neo4j started under {} with Bolt on localhost:{} in {} ms",
                    home.toAbsolutePath(), bolt, (System.nanoTime() - started) / 1_000_000);
            return new EmbeddedNeo4j(dbms, bolt);
        } catch (RuntimeException e) {
            dbms.shutdown();
            throw e;
        }
    }

    public int boltPort() {
        return boltPort;
    }

    public String boltUri() {
        return "bolt://localhost:" + boltPort;
    }

    @Override
    public void close() {
        long started = System.nanoTime();
        dbms.shutdown();
        log.info("Embedded Neo4j stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
    }
}
