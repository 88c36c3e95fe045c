package org.stevedore.web.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;
import org.springframework.boot.actuate.health.Status;

/**
 * The remote servers RSEs name and Stevedore talks to (FTS servers in {@code fts}, Tape REST endpoints in
 * {@code tape_rest}), one health component per server ({@code host:port}): whether a connection opens within the
 * timeout. One that does not is {@link #UNREACHABLE}, a status of its own: the {@code remote} health group ranks it
 * like DOWN (503), while the overall health and readiness do not, since a remote server being down does not stop this
 * instance from serving the API (its transfers wait and retry). Operators who want otherwise add these components to
 * the readiness group (docs/metrics.md).
 */
public final class RemoteEndpointsHealth implements CompositeHealthContributor {

    /** A remote server in use that does not take connections. */
    public static final Status UNREACHABLE = new Status("UNREACHABLE");

    private final Supplier<List<String>> urls;
    private final Duration timeout;

    /** {@code urls}: the values of the attribute on every RSE that has it, read anew at each check. */
    public RemoteEndpointsHealth(Supplier<List<String>> urls, Duration timeout) {
        this.urls = urls;
        this.timeout = timeout;
    }

    /** Server name ({@code host:port}) to its URL, for the URLs that parse. */
    private Map<String, URI> servers() {
        Map<String, URI> servers = new LinkedHashMap<>();
        for (String url : urls.get()) {
            try {
                URI uri = URI.create(url.trim());
                if (uri.getHost() != null) {
                    servers.putIfAbsent(uri.getHost() + ":" + port(uri), uri);
                }
            } catch (IllegalArgumentException e) {
                // Not a URL (a fixed tool's name such as "local"): nothing to reach.
            }
        }
        return servers;
    }

    private static int port(URI uri) {
        if (uri.getPort() > 0) {
            return uri.getPort();
        }
        return "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
    }

    @Override
    public HealthContributor getContributor(String name) {
        URI uri = servers().get(name);
        return uri == null ? null : indicator(uri);
    }

    @Override
    public Iterator<NamedContributor<HealthContributor>> iterator() {
        return servers().entrySet().stream()
                .map(e -> NamedContributor.<HealthContributor>of(e.getKey(), indicator(e.getValue()))).iterator();
    }

    private HealthIndicator indicator(URI uri) {
        return () -> {
            long started = System.nanoTime();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(uri.getHost(), port(uri)), (int) timeout.toMillis());
                return Health.up().withDetail("url", uri.toString())
                        .withDetail("connect_ms", (System.nanoTime() - started) / 1_000_000).build();
            } catch (IOException e) {
                return Health.status(UNREACHABLE).withDetail("url", uri.toString())
                        .withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build();
            }
        };
    }
}
