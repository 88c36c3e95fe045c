package org.stevedore.tape.rest;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.stevedore.grid.TrustAnchors;
import org.stevedore.grid.X509Credentials;

/**
 * How the {@link TapeRestClient} reaches one tape system.
 *
 * @param webdavRoot         the storage's WebDAV/HTTPS root, where {@code .well-known/wlcg-tape-rest-api} is found
 *                           ({@code https://host:port}; {@code davs://} and {@code dav://} are read as https and http)
 * @param maxFilesPerRequest the most paths one stage request carries (FTS uses 200)
 * @param maxAttempts        tries per call when the answer is a 5xx or there is none (connection error, timeout);
 *                           1 means no retry
 * @param firstRetryDelay    wait before the first retry; each further retry waits twice as long...
 * @param maxRetryDelay      ...up to this
 * @param connectTimeout     TCP and TLS set-up
 * @param socketTimeout      longest wait for an answer
 * @param maxConnections     pooled connections to the endpoint
 * @param credentials        the X509 client certificate (or proxy); null for none
 * @param trust              CAs to trust; null for the JVM's trust store
 * @param token              a bearer token sent with every call (WLCG tokens), or null; never printed
 */
public record TapeRestSettings(URI webdavRoot, int maxFilesPerRequest, int maxAttempts, Duration firstRetryDelay,
                               Duration maxRetryDelay, Duration connectTimeout, Duration socketTimeout,
                               int maxConnections, X509Credentials credentials, TrustAnchors trust, String token) {

    public TapeRestSettings(URI webdavRoot, int maxFilesPerRequest, int maxAttempts, Duration firstRetryDelay,
                            Duration maxRetryDelay, Duration connectTimeout, Duration socketTimeout, int maxConnections,
                            X509Credentials credentials, TrustAnchors trust) {
        this(webdavRoot, maxFilesPerRequest, maxAttempts, firstRetryDelay, maxRetryDelay, connectTimeout,
                socketTimeout, maxConnections, credentials, trust, null);
    }

    public TapeRestSettings {
        Objects.requireNonNull(webdavRoot, "webdavRoot");
        webdavRoot = httpRoot(webdavRoot);
        if (maxFilesPerRequest < 1) {
            throw new IllegalArgumentException("maxFilesPerRequest must be >= 1, got " + maxFilesPerRequest);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1, got " + maxConnections);
        }
        requireNotNegative("firstRetryDelay", firstRetryDelay);
        requireNotNegative("maxRetryDelay", maxRetryDelay);
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("socketTimeout", socketTimeout);
        if (token != null && (token.isBlank() || token.contains("\n") || token.contains("\r"))) {
            throw new IllegalArgumentException("The bearer token must be one non-blank line");
        }
    }

    /**
     * 200 paths per stage request, 5 attempts waiting 2, 4, 8, 16 s between them (at most 60 s), 10 s to connect,
     * 120 s for an answer (busy tape frontends are slow), 10 connections, no client certificate, the JVM's CAs.
     */
    public static TapeRestSettings defaults(URI webdavRoot) {
        return new TapeRestSettings(webdavRoot, 200, 5, Duration.ofSeconds(2), Duration.ofSeconds(60),
                Duration.ofSeconds(10), Duration.ofSeconds(120), 10, null, null);
    }

    public TapeRestSettings withMaxFilesPerRequest(int max) {
        return new TapeRestSettings(webdavRoot, max, maxAttempts, firstRetryDelay, maxRetryDelay, connectTimeout,
                socketTimeout, maxConnections, credentials, trust, token);
    }

    public TapeRestSettings withRetries(int attempts, Duration first, Duration max) {
        return new TapeRestSettings(webdavRoot, maxFilesPerRequest, attempts, first, max, connectTimeout,
                socketTimeout, maxConnections, credentials, trust, token);
    }

    public TapeRestSettings withTimeouts(Duration connect, Duration socket) {
        return new TapeRestSettings(webdavRoot, maxFilesPerRequest, maxAttempts, firstRetryDelay, maxRetryDelay,
                connect, socket, maxConnections, credentials, trust, token);
    }

    public TapeRestSettings withX509(X509Credentials newCredentials, TrustAnchors newTrust) {
        return new TapeRestSettings(webdavRoot, maxFilesPerRequest, maxAttempts, firstRetryDelay, maxRetryDelay,
                connectTimeout, socketTimeout, maxConnections, newCredentials, newTrust, token);
    }

    public TapeRestSettings withToken(String newToken) {
        return new TapeRestSettings(webdavRoot, maxFilesPerRequest, maxAttempts, firstRetryDelay, maxRetryDelay,
                connectTimeout, socketTimeout, maxConnections, credentials, trust, newToken);
    }

    public TapeRestSettings withMaxConnections(int max) {
        return new TapeRestSettings(webdavRoot, maxFilesPerRequest, maxAttempts, firstRetryDelay, maxRetryDelay,
                connectTimeout, socketTimeout, max, credentials, trust, token);
    }

    /** The same settings for another tape system. */
    public TapeRestSettings withWebdavRoot(URI root) {
        return new TapeRestSettings(root, maxFilesPerRequest, maxAttempts, firstRetryDelay, maxRetryDelay,
                connectTimeout, socketTimeout, maxConnections, credentials, trust, token);
    }

    /** Whether calls carry an identity: a client certificate or proxy, or a token. */
    public boolean hasIdentity() {
        return credentials != null || token != null;
    }

    @Override
    public String toString() {
        return "TapeRestSettings[webdavRoot=" + webdavRoot + ", maxFilesPerRequest=" + maxFilesPerRequest
                + ", maxAttempts=" + maxAttempts + ", credentials=" + credentials + ", trust=" + trust
                + ", token=" + (token == null ? "none" : "(set)") + "]";
    }

    /** The wait before retry number {@code retry} (1 for the first): doubling from the first delay, capped. */
    Duration retryDelay(int retry) {
        Duration delay = firstRetryDelay;
        for (int i = 1; i < retry && delay.compareTo(maxRetryDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : delay;
    }

    private static URI httpRoot(URI root) {
        String scheme = root.getScheme() == null ? "" : root.getScheme().toLowerCase(java.util.Locale.ROOT);
        String http = switch (scheme) {
            case "https", "davs" -> "https";
            case "http", "dav" -> "http";
            default -> throw new IllegalArgumentException(
                    "The tape REST root must be an https, http, davs or dav URL, got " + root);
        };
        String text = root.toString();
        text = http + text.substring(scheme.length());
        return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    private static void requireNotNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
