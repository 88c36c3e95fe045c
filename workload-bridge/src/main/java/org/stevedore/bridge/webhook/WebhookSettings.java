package org.stevedore.bridge.webhook;

import java.time.Duration;
import org.stevedore.catalog.daemon.Backoff;

/**
 * How the webhook sender works.
 *
 * @param connectTimeout how long to wait for a consumer's connection
 * @param requestTimeout how long to wait for its answer once connected (then the attempt is retried)
 * @param retry          waits between attempts of one delivery: doubling from its base up to its max, with jitter
 * @param maxAttempts    attempts before a delivery that keeps failing transiently is given up (FAILED)
 * @param batch          deliveries claimed and sent (concurrently) per cycle
 */
public record WebhookSettings(Duration connectTimeout, Duration requestTimeout, Backoff retry, int maxAttempts,
                              int batch) {

    public WebhookSettings {
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("webhook connect timeout must be positive, got " + connectTimeout);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("webhook request timeout must be positive, got " + requestTimeout);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("webhook max attempts must be at least 1, got " + maxAttempts);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("webhook batch must be at least 1, got " + batch);
        }
    }

    /** 5 s to connect, 10 s to answer, retries from 2 s doubling up to 10 min, 15 attempts, 50 per cycle. */
    public static WebhookSettings defaults() {
        return new WebhookSettings(Duration.ofSeconds(5), Duration.ofSeconds(10),
                new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(10)), 15, 50);
    }

    /**
     * How long a claimed delivery stays out of other senders' reach: longer than one attempt can take, so it is
     * sent again only when its sender died without reporting.
     */
    public Duration lease() {
        return connectTimeout.plus(requestTimeout).multipliedBy(2).plusSeconds(5);
    }
}
