package org.stevedore.transfer.storage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real WebDAV server for tests: Debian's nginx (package {@code nginx-extras}: the dav module plus dav_ext for
 * PROPFIND) with a generated configuration in a temporary directory, listening on a free port of 127.0.0.1 only.
 * It runs as one foreground process (no daemon, no master), so stopping the child process stops nginx entirely.
 */
public final class NginxDavServer implements AutoCloseable {

    private static final List<String> NGINX = List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx");
    private static final List<String> DAV_EXT = List.of(
            "/usr/lib/nginx/modules/ngx_http_dav_ext_module.so",
            "/usr/lib64/nginx/modules/ngx_http_dav_ext_module.so");

    private final Process process;
    private final Path root;
    private final int port;
    private final Thread stopAtExit;

    private NginxDavServer(Process process, Path root, int port) {
        this.process = process;
        this.root = root;
        this.port = port;
        // Should the test JVM end without running @AfterAll, nginx must not outlive it.
        this.stopAtExit = new Thread(process::destroyForcibly, "stop-nginx");
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    /** Why no server can be started here, or empty when one can. */
    public static Optional<String> unavailableReason() {
        if (binary().isEmpty()) {
            return Optional.of("nginx is not installed (Debian: apt-get install nginx-extras; .ci/run does this on CI)");
        }
        if (davExtModule().isEmpty()) {
            return Optional.of("nginx has no dav_ext module for PROPFIND (Debian: apt-get install nginx-extras)");
        }
        return Optional.empty();
    }

    /** Starts nginx serving {@code workDir/data}; a port taken between choosing and binding is retried. */
    public static NginxDavServer start(Path workDir) throws IOException, InterruptedException {
        Path root = Files.createDirectories(workDir.resolve("data"));
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freeLoopbackPort();
            Path conf = writeConfig(workDir, root, port);
            Process process = new ProcessBuilder(binary().orElseThrow().toString(),
                    "-p", workDir.toString(), "-c", conf.toString(), "-e", workDir.resolve("error.log").toString())
                    .redirectOutput(workDir.resolve("stdout.log").toFile())
                    .redirectErrorStream(true)
                    .start();
            if (awaitListening(process, port)) {
                return new NginxDavServer(process, root, port);
            }
            stop(process);
            last = new IOException("nginx did not start on 127.0.0.1:" + port + ": " + readQuietly(workDir.resolve("error.log"))
                    + readQuietly(workDir.resolve("stdout.log")));
        }
        throw last;
    }

    /** The directory nginx serves, to put files in and look at them behind the client's back. */
    public Path root() {
        return root;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        stop(process);
        Runtime.getRuntime().removeShutdownHook(stopAtExit);
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Path writeConfig(Path workDir, Path root, int port) throws IOException {
        Path temp = Files.createDirectories(workDir.resolve("temp"));
        // Every path nginx writes to is inside workDir: nothing under /var, no pid file of the system's nginx.
        String conf = """
                load_module %1$s;
                daemon off;
                master_process off;
                worker_processes 1;
                pid %2$s/nginx.pid;
                error_log %2$s/error.log info;
                events { worker_connections 64; }
                http {
                    access_log %2$s/access.log;
                    client_body_temp_path %3$s/body;
                    proxy_temp_path %3$s/proxy;
                    fastcgi_temp_path %3$s/fastcgi;
                    uwsgi_temp_path %3$s/uwsgi;
                    scgi_temp_path %3$s/scgi;
                    server {
                        listen 127.0.0.1:%4$d;
                        root %5$s;
                        location / {
                            dav_methods PUT DELETE MKCOL;
                            dav_ext_methods PROPFIND OPTIONS;
                            create_full_put_path on;
                            client_max_body_size 0;
                        }
                    }
                }
                """.formatted(davExtModule().orElseThrow(), workDir, temp, port, root);
        return Files.writeString(workDir.resolve("nginx.conf"), conf);
    }

    private static boolean awaitListening(Process process, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return true;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        return false;
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Optional<Path> binary() {
        return NGINX.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    private static Optional<Path> davExtModule() {
        return DAV_EXT.stream().map(Path::of).filter(Files::isRegularFile).findFirst();
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
