package org.stevedore.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stevedore.testsupport.server.ServerProcesses;

/**
 * One Stevedore instance as production runs it: its own JVM ({@code java -cp <this test JVM's class path>
 * org.stevedore.web.StevedoreApplication}), its own HTTP port and data directory, the catalog on an external Neo4j
 * and the campaigns' job repository wherever the settings say. What the instances share is the store, the job
 * repository and the storage (posix directories); nothing in memory.
 */
final class ServiceInstance implements AutoCloseable {

    private static final String MAIN = "org.stevedore.web.StevedoreApplication";

    private final String name;
    private final Process process;
    private final int port;
    private final Path dataDir;

    private ServiceInstance(String name, Process process, int port, Path dataDir) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
    }

    /**
     * Starts an instance; {@link #awaitUp} waits for it. {@code settings} are Spring properties (without the
     * leading {@code --}); those named in {@code secrets} go through the environment, as an operator would pass
     * passwords, so that they never show in the process list.
     */
    static ServiceInstance start(String name, Path dataDir, Map<String, String> settings, Map<String, String> secrets) {
        try {
            Files.createDirectories(dataDir);
            int port = ServerProcesses.freePort();
            Map<String, String> all = new LinkedHashMap<>();
            all.put("server.port", Integer.toString(port));
            all.put("stevedore.data-dir", dataDir.toString());
            // Each instance's HTTPS connector would take the same fixed port: the test drives plain HTTP only.
            all.put("stevedore.x509.enabled", "false");
            all.putAll(settings);
            List<String> command = new ArrayList<>(List.of(ServerProcesses.javaBinary(), "-Xmx768m",
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", ServerProcesses.classPath(), MAIN));
            all.forEach((k, v) -> command.add("--" + k + "=" + v));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dataDir.resolve("instance.log").toFile());
            builder.environment().putAll(secrets);
            return new ServiceInstance(name, builder.start(), port, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code GET /ping} answers 200. */
    ServiceInstance awaitUp(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " ended with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/ping"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(500);
        }
        throw new IllegalStateException(name + " did not answer /ping within " + timeout + ":\n" + logTail());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String name() {
        return name;
    }

    String baseUrl() {
        return "http://localhost:" + port;
    }

    Path dataDir() {
        return dataDir;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String logTail() {
        return ServerProcesses.tail(dataDir.resolve("instance.log"), 6000);
    }

    String log() {
        try {
            return Files.readString(dataDir.resolve("instance.log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** kill -9: no shutdown hook, no clean-up, its in-process work simply stops. */
    void kill() {
        ServerProcesses.kill(process);
    }

    @Override
    public void close() {
        ServerProcesses.stop(process, Duration.ofSeconds(30));
    }
}
