package org.stevedore.transfer.storage;

import java.time.Duration;
import java.util.Objects;
import org.stevedore.grid.TrustAnchors;
import org.stevedore.grid.X509Credentials;

/**
 * How the WebDAV/HTTPS client connects.
 *
 * @param connectTimeout  TCP (and TLS) connection set-up
 * @param socketTimeout   longest silence while waiting for a response
 * @param maxConnections  pooled connections, in total and per storage host
 * @param credentials     client certificate; null for none (plain HTTP, anonymous storages)
 * @param trust           CAs to trust; null for the JVM's default trust store
 */
public record WebDavSettings(Duration connectTimeout, Duration socketTimeout, int maxConnections,
                             X509Credentials credentials, TrustAnchors trust) {

    public WebDavSettings {
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("socketTimeout", socketTimeout);
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be >= 1, not " + maxConnections);
        }
    }

    /** 10 s to connect, 60 s of silence, 20 connections, no client certificate, the JVM's trust store. */
    public static WebDavSettings defaults() {
        return new WebDavSettings(Duration.ofSeconds(10), Duration.ofSeconds(60), 20, null, null);
    }

    public WebDavSettings withTimeouts(Duration connect, Duration socket) {
        return new WebDavSettings(connect, socket, maxConnections, credentials, trust);
    }

    public WebDavSettings withCredentials(X509Credentials newCredentials) {
        return new WebDavSettings(connectTimeout, socketTimeout, maxConnections, newCredentials, trust);
    }

    public WebDavSettings withTrust(TrustAnchors newTrust) {
        return new WebDavSettings(connectTimeout, socketTimeout, maxConnections, credentials, newTrust);
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }
}
