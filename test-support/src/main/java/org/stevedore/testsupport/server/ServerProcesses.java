package org.stevedore.testsupport.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** What the harnesses of external counterparts share: free ports, the test JVM's java, and stopping a process. */
public final class ServerProcesses {

    private ServerProcesses() {
    }

    /** A loopback port free at the time of asking (the server binds it shortly after; good enough for tests). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The java binary of the running JVM, so that child JVMs run the same Java. */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The running JVM's class path: child JVMs start from it (the test phase comes before any jar is packaged). */
    public static String classPath() {
        return System.getProperty("java.class.path");
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    public static void stop(Process process, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process);
        }
    }

    /** SIGKILL, and waits for the process to be gone. */
    public static void kill(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code max} characters of a log file, for failure messages. */
    public static String tail(Path log, int max) {
        try {
            if (!Files.exists(log)) {
                return "(no log)";
            }
            String text = Files.readString(log);
            return text.length() <= max ? text : text.substring(text.length() - max);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
