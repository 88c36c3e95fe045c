package org.stevedore.testsupport.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.stevedore.catalog.store.BoltPassword;

/**
 * A Neo4j server in its own process for tests and benchmarks: the same embedded Neo4j 5.26 the service runs,
 * started by {@link Neo4jServerMain} in a separate JVM with Bolt on a free loopback port and the {@code neo4j}
 * user's generated password. Debian ships no Neo4j package, and a store inside the test JVM would not be an external
 * store: this one is, so service instances in other JVMs connect to it with {@code stevedore.neo4j.uri},
 * {@code username} and {@code password}, and killing a service instance leaves the store standing.
 */
public final class Neo4jServerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(10);

    private final Process process;
    private final Path home;
    private final int port;
    private final String password;

    private Neo4jServerProcess(Process process, Path home, int port, String password) {
        this.process = process;
        this.home = home;
        this.port = port;
        this.password = password;
    }

    /** Starts a server keeping its files under {@code home} (created if absent) and waits until Bolt answers. */
    public static Neo4jServerProcess start(Path home) {
        return start(home, List.of());
    }

    /** As {@link #start(Path)}, with extra JVM options for the server (e.g. {@code -Xmx1g}). */
    public static Neo4jServerProcess start(Path home, List<String> jvmOptions) {
        try {
            Files.createDirectories(home);
            int port = ServerProcesses.freePort();
            List<String> command = new ArrayList<>();
            command.add(ServerProcesses.javaBinary());
            command.addAll(jvmOptions);
            command.addAll(ServerProcesses.mainArguments(Neo4jServerMain.class));
            command.add(home.toAbsolutePath().toString());
            command.add(Integer.toString(port));
            Path log = home.resolve("server.log");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                String password = awaitBolt(process, home, port, log);
                return new Neo4jServerProcess(process, home, port, password);
            } catch (RuntimeException | Error e) {
                ServerProcesses.kill(process);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String awaitBolt(Process process, Path home, int port, Path log) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The Neo4j server process ended with " + process.exitValue()
                        + ":\n" + ServerProcesses.tail(log, 4000));
            }
            Path passwordFile = BoltPassword.file(home);
            if (Files.exists(passwordFile)) {
                try {
                    String password = Files.readString(passwordFile).trim();
                    try (Driver driver = GraphDatabase.driver("bolt://127.0.0.1:" + port,
                            AuthTokens.basic(BoltPassword.USER, password))) {
                        driver.verifyConnectivity();
                        return password;
                    }
                } catch (IOException | RuntimeException e) {
                    last = new IllegalStateException(e.getMessage(), e);
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for Neo4j", e);
            }
        }
        throw new IllegalStateException("Neo4j's Bolt did not answer on port " + port + " within " + START_TIMEOUT
                + " (last: " + (last == null ? "no password file yet" : last.getMessage()) + "):\n"
                + ServerProcesses.tail(log, 4000));
    }

    /** {@code bolt://127.0.0.1:<port>}: a direct connection. */
    public String boltUri() {
        return "bolt://127.0.0.1:" + port;
    }

    /** {@code neo4j://127.0.0.1:<port>}: the driver's routing URI, as a cluster is reached. */
    public String routingUri() {
        return "neo4j://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String username() {
        return BoltPassword.USER;
    }

    public String password() {
        return password;
    }

    /** The server's process id, e.g. for its CPU time in {@code /proc/<pid>/stat}. */
    public long pid() {
        return process.pid();
    }

    public Path home() {
        return home;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** A clean shutdown (TERM: the store checkpoints), then KILL if it takes over a minute. */
    public void stop() {
        ServerProcesses.stop(process, Duration.ofMinutes(1));
    }

    /** kill -9. */
    public void kill() {
        ServerProcesses.kill(process);
    }

    @Override
    public void close() {
        stop();
    }
}
