package org.stevedore.testsupport.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

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

    /**
     * The arguments after the java binary and the JVM options that run {@code main} from the running JVM's classes:
     * {@code -cp <class path> <main>}, or, when this JVM runs from a Spring Boot executable jar (the bench jar started
     * with {@code java -jar}), whose nested libraries a plain {@code -cp} cannot see, that jar through Boot's
     * {@code PropertiesLauncher} with {@code loader.main} naming the class.
     */
    public static List<String> mainArguments(Class<?> main) {
        String classPath = classPath();
        if (!classPath.contains(File.pathSeparator) && isBootJar(Path.of(classPath))) {
            return List.of("-Dloader.main=" + main.getName(), "-cp", classPath,
                    "org.springframework.boot.loader.launch.PropertiesLauncher");
        }
        return List.of("-cp", classPath, main.getName());
    }

    private static boolean isBootJar(Path jar) {
        if (!jar.toString().endsWith(".jar") || !Files.isRegularFile(jar)) {
            return false;
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            return manifest != null && manifest.getMainAttributes().getValue("Spring-Boot-Classes") != null;
        } catch (IOException e) {
            return false;
        }
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
