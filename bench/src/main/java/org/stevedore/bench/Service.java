package org.stevedore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.stevedore.catalog.store.Store;
import org.stevedore.web.StevedoreApplication;

/**
 * The whole Stevedore application, started in the benchmark's JVM on a free loopback port with its own embedded store
 * in a temporary directory (removed on close), and an HTTP client logged in as root: for scenarios that measure what
 * a client of the REST API sees, not only what the store does. Background workers run as in production; the
 * consistency auditor and HTTPS are off (nothing here needs them, and HTTPS would make a PKI first).
 */
final class Service implements AutoCloseable {

    private final Path home;
    private final ConfigurableApplicationContext context;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI base;
    private final String token;

    private Service(Path home, ConfigurableApplicationContext context) {
        this.home = home;
        this.context = context;
        int port = ((ServletWebServerApplicationContext) context).getWebServer().getPort();
        this.base = URI.create("http://127.0.0.1:" + port);
        this.token = login();
    }

    static Service start(Options options, String label) {
        Path home = TempStore.newHome(options, label);
        try {
            ConfigurableApplicationContext context = new SpringApplicationBuilder(StevedoreApplication.class)
                    .bannerMode(Banner.Mode.OFF)
                    .logStartupInfo(false)
                    .run("--server.port=0", "--server.address=127.0.0.1",
                            "--stevedore.data-dir=" + home,
                            "--stevedore.neo4j.embedded-page-cache=" + options.pageCacheMb() + "MB",
                            "--stevedore.x509.enabled=false",
                            "--stevedore.consistency.enabled=false");
            try {
                return new Service(home, context);
            } catch (RuntimeException e) {
                context.close();
                throw e;
            }
        } catch (RuntimeException e) {
            TempStore.deleteTree(home, "the service's data directory");
            throw e;
        }
    }

    /** The application's store, for setting up a scenario's data through the catalog's own stores. */
    Store store() {
        return context.getBean(Store.class);
    }

    /** A request to {@code path} as root, not yet sent. */
    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).header("X-Rucio-Auth-Token", token);
    }

    /** Sends {@code request} and fails unless the answer is {@code expected}. */
    String send(HttpRequest request, int expected) {
        HttpResponse<String> r = exchange(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new BenchmarkFailed(request.method() + " " + request.uri().getPath() + " answered " + r.statusCode()
                    + ": " + r.body());
        }
        return r.body();
    }

    /** POSTs {@code body} as JSON and fails unless the answer is {@code expected}. */
    void post(String path, Map<String, Object> body, int expected) {
        try {
            send(request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(new ObjectMapper().writeValueAsString(body))).build(),
                    expected);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The response to {@code request} with its body unread, for reading a stream as it arrives. */
    HttpResponse<InputStream> open(HttpRequest request) {
        return exchange(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String login() {
        String password;
        try {
            password = Files.readString(home.resolve("root-password")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpResponse<String> r = exchange(HttpRequest.newBuilder(base.resolve("/auth/userpass"))
                .header("X-Rucio-Username", "root").header("X-Rucio-Password", password).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new BenchmarkFailed("Root login answered " + r.statusCode() + ": " + r.body());
        }
        return r.headers().firstValue("X-Rucio-Auth-Token").orElseThrow();
    }

    @Override
    public void close() {
        try {
            context.close();
        } finally {
            TempStore.deleteTree(home, "the service's data directory");
        }
    }
}
