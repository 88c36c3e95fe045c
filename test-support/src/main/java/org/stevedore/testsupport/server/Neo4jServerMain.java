package org.stevedore.testsupport.server;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.stevedore.catalog.store.EmbeddedNeo4j;

/**
 * The process {@link Neo4jServerProcess} starts: the same embedded Neo4j 5.26 the service runs in its default
 * deployment, alone in its JVM, so that several service instances (or a benchmark) meet it over Bolt as they would
 * meet a Neo4j server. Arguments: the server's home directory and its Bolt port. It runs until it is killed; a TERM
 * signal shuts the store down cleanly.
 */
public final class Neo4jServerMain {

    private Neo4jServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: Neo4jServerMain <home> <bolt-port>");
            System.exit(2);
        }
        EmbeddedNeo4j server = EmbeddedNeo4j.start(Path.of(args[0]), Integer.parseInt(args[1]), 256L << 20);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "neo4j-server-stop"));
        System.out.println("NEO4J-SERVER-READY " + server.boltUri());
        System.out.flush();
        stopped.await();
    }
}
