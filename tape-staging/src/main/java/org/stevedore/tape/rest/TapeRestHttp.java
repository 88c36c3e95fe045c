package org.stevedore.tape.rest;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.time.Sleeper;
import org.stevedore.grid.X509HttpClients;
import org.stevedore.tape.endpoint.TapeEndpointException;

/**
 * One HTTP exchange with a tape REST endpoint, retried as the protocol's operators need: a 5xx (HTTP 500 under load is
 * a known pain of stage) or no answer at all (connection refused or reset, timeout) is tried again after an
 * exponentially growing wait; a 4xx is the endpoint's final word and is not. A failure that outlives the attempts, or
 * a 4xx, becomes a {@link TapeEndpointException} whose message carries the RFC 7807 {@code title} and {@code detail}.
 */
final class TapeRestHttp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TapeRestHttp.class);
    private static final int MAX_BODY_BYTES = 64 << 20;

    /** A 2xx answer. */
    record Answer(int status, String location, String body) {
    }

    private final TapeRestSettings settings;
    private final Sleeper sleeper;
    private final CloseableHttpClient client;

    TapeRestHttp(TapeRestSettings settings, Sleeper sleeper) {
        this.settings = settings;
        this.sleeper = sleeper;
        this.client = X509HttpClients.create(settings.credentials(), settings.trust(), settings.connectTimeout(),
                settings.socketTimeout(), settings.maxConnections());
    }

    /**
     * Sends the request (a JSON body when {@code json} is not null) until it succeeds, fails for good, or the attempts
     * are spent.
     *
     * @param operation what the caller is doing, for messages ("stage", "status of request 42")
     */
    Answer exchange(String operation, String method, URI uri, String json) {
        TapeEndpointException last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            if (attempt > 1) {
                Duration wait = settings.retryDelay(attempt - 1);
                log.warn("Tape REST: {}; attempt {} of {} in {}", last.getMessage(), attempt, settings.maxAttempts(), wait);
                pause(operation, wait, last);
            }
            try {
                return once(operation, method, uri, json);
            } catch (TapeEndpointException e) {
                if (!e.isTransient()) {
                    throw e;
                }
                last = e;
            }
        }
        throw new TapeEndpointException(last.getMessage() + " (after " + settings.maxAttempts() + " attempts)",
                last.status(), true, last.getCause());
    }

    private Answer once(String operation, String method, URI uri, String json) {
        HttpUriRequestBase request = new HttpUriRequestBase(method, uri);
        request.addHeader("Accept", "application/json");
        if (settings.token() != null) {
            request.addHeader("Authorization", "Bearer " + settings.token());
        }
        if (json != null) {
            request.setEntity(new StringEntity(json, ContentType.APPLICATION_JSON));
        }
        try {
            return client.execute(request, response -> {
                String body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), MAX_BODY_BYTES);
                int status = response.getCode();
                if (status >= 200 && status < 300) {
                    Header location = response.getFirstHeader("Location");
                    return new Answer(status, location == null ? null : location.getValue(), body);
                }
                throw failure(operation, status, response.getReasonPhrase(), body);
            });
        } catch (SSLException e) {
            // An untrusted host or a refused client certificate is configuration; trying again will not help.
            throw new TapeEndpointException(operation + " failed: TLS with " + uri.getAuthority() + ": " + e.getMessage(),
                    0, false, e);
        } catch (IOException e) {
            throw new TapeEndpointException(operation + " failed: no answer from " + uri.getAuthority() + ": " + e,
                    0, true, e);
        }
    }

    /** 5xx and 429 (too busy) are worth another try; any other refusal is final. */
    private static TapeEndpointException failure(String operation, int status, String reason, String body) {
        boolean retry = status >= 500 || status == 429;
        return new TapeEndpointException(operation + " failed: HTTP " + status + " "
                + TapeRestJson.problem(body).orElse(reason == null ? "" : reason), status, retry, null);
    }

    private void pause(String operation, Duration wait, TapeEndpointException last) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TapeEndpointException(operation + " interrupted while waiting to retry", last.status(), true, e);
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
