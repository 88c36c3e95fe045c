package org.stevedore.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private RabbitMQ node for tests, from Debian's {@code rabbitmq-server}: its own node name, AMQP, STOMP, Erlang
 * distribution and epmd ports on loopback, its data, logs and Erlang cookie in a temporary directory (all through
 * {@code RABBITMQ_*} variables, {@code HOME} and {@code ERL_EPMD_PORT}), the {@code rabbitmq_stomp} plugin enabled
 * by its own {@code enabled_plugins} file. Never touches a system broker. {@link #stop()} and {@link #start()} take
 * the node down and up again on the same data (what a broker-outage test needs); {@link #close()} stops it, stops
 * its epmd and deletes the directory. The default {@code guest} user works from loopback.
 *
 * <p>Guard its use with {@code Counterparts.require(RabbitNode.installed(), ...)}.
 */
public final class RabbitNode implements AutoCloseable {

    private static final Path SERVER = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");
    private static final Path CTL = Path.of("/usr/lib/rabbitmq/bin/rabbitmqctl");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final String node;
    private final int amqpPort;
    private final int stompPort;
    private final int distPort;
    private final int epmdPort;
    private Process process;

    /** Whether Debian's rabbitmq-server is installed. */
    public static boolean installed() {
        return Files.isExecutable(SERVER) && Files.isExecutable(CTL);
    }

    /** Creates and starts a node (blocks until its AMQP and STOMP listeners accept connections). */
    public static RabbitNode start(String name) {
        try {
            RabbitNode n = new RabbitNode(Files.createTempDirectory("rabbit-" + name), name);
            n.start();
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RabbitNode(Path dir, String name) throws IOException {
        this.dir = dir;
        this.node = name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
        this.amqpPort = freePort();
        this.stompPort = freePort();
        this.distPort = freePort();
        this.epmdPort = freePort();
        Files.writeString(dir.resolve("enabled_plugins"), "[rabbitmq_stomp].\n");
        Files.writeString(dir.resolve("rabbitmq.conf"), String.join("\n",
                "listeners.tcp.1 = 127.0.0.1:" + amqpPort,
                "stomp.listeners.tcp.1 = 127.0.0.1:" + stompPort,
                "distribution.listener.interface = 127.0.0.1",
                // A shared test machine may be short of disk: never block publishers on the disk alarm.
                "disk_free_limit.absolute = 1",
                ""));
    }

    public int amqpPort() {
        return amqpPort;
    }

    public int stompPort() {
        return stompPort;
    }

    public String nodeName() {
        return node;
    }

    /** Starts the node on its data directory and waits until both listeners accept connections. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(SERVER.toString());
            env(pb);
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.out").toFile()));
            process = pb.start();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!(accepts(amqpPort) && accepts(stompPort))) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("rabbitmq-server exited with " + process.exitValue() + "; see "
                            + dir.resolve("server.out"));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("rabbitmq-server not listening after " + START_TIMEOUT);
                }
                Thread.sleep(200);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the node (its data stays) and waits until it has exited. */
    public synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            run(CTL.toString(), "-n", node, "stop");
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            // The script may exit before the Erlang VM: wait until the ports are free.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((accepts(amqpPort) || accepts(stompPort)) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code rabbitmqctl -n node args...} against this node; answers its output. */
    public String ctl(String... args) {
        List<String> command = new ArrayList<>(List.of(CTL.toString(), "-n", node));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    @Override
    public void close() {
        stop();
        run("epmd", "-port", Integer.toString(epmdPort), "-kill");
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is not worth failing a test for
        }
    }

    private String run(String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            env(pb);
            Process p = pb.redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void env(ProcessBuilder pb) {
        Map<String, String> env = pb.environment();
        env.put("HOME", dir.toString()); // the Erlang cookie lives here, shared by server and rabbitmqctl
        env.put("ERL_EPMD_PORT", Integer.toString(epmdPort));
        env.put("RABBITMQ_NODENAME", node);
        env.put("RABBITMQ_NODE_PORT", Integer.toString(amqpPort));
        env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_PID_FILE", dir.resolve("pid").toString());
        env.put("RABBITMQ_PLUGINS_EXPAND_DIR", dir.resolve("plugins-expand").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("advanced.config").toString());
        env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
