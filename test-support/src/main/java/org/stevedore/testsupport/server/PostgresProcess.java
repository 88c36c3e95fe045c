package org.stevedore.testsupport.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of its own for a test: Debian's {@code postgresql} binaries ({@code .ci/run} installs them),
 * {@code initdb} into a fresh directory and a postmaster on a free loopback port, with a user and a database for
 * Spring Batch's job repository; {@link #close()} stops it and removes its files.
 *
 * <p>Why as the {@code postgres} system user when the test runs as root: initdb and postgres refuse to run as root.
 * The directory is then made under the temp directory and given to that user, since a JUnit temp directory (mode
 * 700, root's) would not be reachable for it.
 */
public final class PostgresProcess implements AutoCloseable {

    public static final String USER = "stevedore";
    public static final String DATABASE = "stevedore";
    private static final String SYSTEM_USER = "postgres";

    private final Path bin;
    private final Path dir;
    private final int port;
    private final String password;
    private final boolean asRoot;
    private final Thread stopOnExit;

    private PostgresProcess(Path bin, Path dir, int port, String password, boolean asRoot) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.password = password;
        this.asRoot = asRoot;
        this.stopOnExit = new Thread(this::stopQuietly, "postgres-stop");
    }

    /** The directory of Debian's PostgreSQL binaries (the newest under /usr/lib/postgresql), if installed. */
    public static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether this machine can run one: the binaries, and when root, the package's {@code postgres} user. */
    public static boolean available() {
        return binaries().isPresent() && (!isRoot() || runuser().isPresent());
    }

    /** initdb, start, create the user's database; waits until the server takes connections. */
    public static PostgresProcess start() {
        Path bin = binaries().orElseThrow(() -> new IllegalStateException(
                "PostgreSQL is not installed (Debian package postgresql)"));
        boolean asRoot = isRoot();
        try {
            Path dir = Files.createTempDirectory("stevedore-pg-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            if (asRoot) {
                run(List.of("chown", SYSTEM_USER + ":", dir.toString()), Map.of(), dir.resolve("chown.log"));
            }
            String password = Long.toHexString(Double.doubleToLongBits(Math.random()))
                    + Long.toHexString(System.nanoTime());
            Path passwordFile = dir.resolve("pwfile");
            Files.writeString(passwordFile, password + "\n");
            if (asRoot) {
                run(List.of("chown", SYSTEM_USER + ":", passwordFile.toString()), Map.of(), dir.resolve("chown.log"));
            }
            int port = ServerProcesses.freePort();
            PostgresProcess pg = new PostgresProcess(bin, dir, port, password, asRoot);
            pg.initAndStart(passwordFile);
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void initAndStart(Path passwordFile) {
        Path data = dir.resolve("data");
        run(asServer(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER,
                "--pwfile=" + passwordFile, "--auth=scram-sha-256", "--encoding=UTF8", "--no-sync")),
                Map.of(), dir.resolve("initdb.log"));
        // Sockets in our own directory (not /var/run/postgresql, which may be absent), TCP on loopback only;
        // fsync off: a test database need not survive a power cut.
        String options = "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                + " -c max_connections=200";
        run(asServer(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                dir.resolve("server.log").toString(), "-o", options, "-w", "-t", "120", "start")),
                Map.of(), dir.resolve("pg_ctl-start.log"));
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER,
                DATABASE), Map.of("PGPASSWORD", password), dir.resolve("createdb.log"));
    }

    private List<String> asServer(List<String> command) {
        if (!asRoot) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of(runuser().orElseThrow().toString(), "-u", SYSTEM_USER, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static Optional<Path> runuser() {
        return Stream.of(Path.of("/usr/sbin/runuser"), Path.of("/sbin/runuser"), Path.of("/usr/bin/runuser"))
                .filter(Files::isExecutable).findFirst();
    }

    private static void run(List<String> command, Map<String, String> env, Path log) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end in 3 minutes");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with " + process.exitValue()
                        + ":\n" + ServerProcesses.tail(log, 4000));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/stevedore}: the service's {@code stevedore.campaigns.batch.url}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String username() {
        return USER;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /** Runs one SQL statement with psql and returns its unaligned output (for assertions on the job repository). */
    public String query(String sql) {
        Path log = dir.resolve("psql.out");
        run(List.of(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER,
                "-d", DATABASE, "-A", "-t", "-c", sql), Map.of("PGPASSWORD", password), log);
        try {
            return Files.readString(log).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stopQuietly() {
        try {
            run(asServer(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast",
                    "-w", "stop")), Map.of(), dir.resolve("pg_ctl-stop.log"));
        } catch (RuntimeException e) {
            // already stopped, or the directory is gone
        }
    }

    /** Stops the server and removes its directory. */
    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // shutting down already
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
