package org.stevedore.grid;

import java.time.Duration;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.util.Timeout;

/** Apache HttpClient 5 clients for grid endpoints (storage, tape): X509 client auth, grid CAs, pooled, bounded waits. */
public final class X509HttpClients {

    private X509HttpClients() {
    }

    /**
     * A pooled client presenting {@code credentials} (null: none) and trusting {@code trust} (null: the JVM's CAs).
     * Its own automatic retries are off: callers count and space their retries, and a hidden retry would only stretch
     * how long one stuck endpoint holds a worker.
     */
    public static CloseableHttpClient create(X509Credentials credentials, TrustAnchors trust, Duration connectTimeout,
                                             Duration socketTimeout, int maxConnections) {
        ConnectionConfig connection = ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(connectTimeout))
                .setSocketTimeout(Timeout.of(socketTimeout))
                .build();
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setTlsSocketStrategy(new DefaultClientTlsStrategy(X509SslContexts.create(credentials, trust)))
                        .setDefaultConnectionConfig(connection)
                        .setMaxConnTotal(maxConnections)
                        .setMaxConnPerRoute(maxConnections)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(socketTimeout))
                        .setConnectionRequestTimeout(Timeout.of(connectTimeout))
                        .build())
                .disableAutomaticRetries()
                .build();
    }
}
