package org.stevedore.bridge.webhook;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.bridge.store.WebhookDeliveries;
import org.stevedore.bridge.store.WebhookDeliveries.Attempt;
import org.stevedore.bridge.store.WebhookDeliveries.Due;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;

/**
 * Sends the due webhook deliveries of its partition: a JSON POST to the task's URL with {@code Idempotency-Key} and,
 * when the task has a secret, an HMAC-SHA256 signature ({@link WebhookSignature}). A 2xx answer delivers; 408, 429,
 * 5xx, timeouts and connection errors are retried with exponential back-off and jitter up to
 * {@link WebhookSettings#maxAttempts()}; any other answer (a 4xx, a redirect) fails the delivery for good, with the
 * status and the start of the answer recorded. The deliveries of one cycle go out concurrently; their outcomes are
 * written in one batch.
 *
 * <p>Uses the JDK's {@link HttpClient}: non-blocking sends give a cycle its concurrency without a thread per
 * delivery, and its per-request timeout bounds an attempt; webhooks need no client certificates nor the connection
 * tuning the storage clients use Apache HttpClient for.
 */
public final class WebhookSender implements Worker {

    public static final String EXECUTABLE = "bridge-webhook-sender";
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    private static final int SNIPPET_BYTES = 300;

    private final WebhookDeliveries deliveries;
    private final HttpClient http;
    private final WebhookSettings settings;
    private final Clock clock;
    private final DoubleSupplier random;
    private final WakeUpSleeper wakeUp;

    public WebhookSender(WebhookDeliveries deliveries, HttpClient http, WebhookSettings settings, Clock clock,
                         DoubleSupplier random, WakeUpSleeper wakeUp) {
        this.deliveries = deliveries;
        this.http = http;
        this.settings = settings;
        this.clock = clock;
        this.random = random;
        this.wakeUp = wakeUp;
    }

    /** The client the sender expects: HTTP/1.1, no redirects followed, the settings' connect timeout. */
    public static HttpClient httpClient(WebhookSettings settings) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.connectTimeout())
                .build();
    }

    /** Call after committing new deliveries: the sleeping sender threads start a cycle now. */
    public void wakeUp() {
        wakeUp.wakeUp();
    }

    @Override
    public String executable() {
        return EXECUTABLE;
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        List<Due> due = deliveries.claim(partition, settings.batch(), settings.lease());
        if (due.isEmpty()) {
            return WorkResult.nothing();
        }
        List<CompletableFuture<Sent>> sending = due.stream().map(this::send).toList();
        // Outcomes are judged here rather than on the HTTP client's threads, so their log lines carry this worker.
        List<Attempt> outcomes = sending.stream().map(CompletableFuture::join).map(this::judge).toList();
        deliveries.record(outcomes);
        return WorkResult.of(due.size());
    }

    /** What became of one send: an answer, an error, or an attempt refused before sending. */
    private record Sent(Due due, HttpResponse<String> response, Throwable error, Attempt refused) {
    }

    private Attempt judge(Sent s) {
        if (s.refused() != null) {
            return s.refused();
        }
        return s.error() == null ? answered(s.due(), s.response()) : unreachable(s.due(), s.error());
    }

    private CompletableFuture<Sent> send(Due d) {
        URI url;
        try {
            url = URI.create(d.url());
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                return refused(d, "Webhook URL '" + d.url() + "' is not an http(s) URL with a host");
            }
        } catch (IllegalArgumentException e) {
            return refused(d, "Webhook URL '" + d.url() + "' is not a valid URI");
        }
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Stevedore-Webhook/1")
                .header(WebhookSignature.IDEMPOTENCY_HEADER, d.key())
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(WebhookSignature.ATTEMPT_HEADER, Integer.toString(d.attempt()))
                .POST(HttpRequest.BodyPublishers.ofString(d.payload()));
        // A task registered without a secret gets unsigned deliveries: there is nothing to sign with.
        if (d.secret() != null && !d.secret().isEmpty()) {
            request.header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(d.secret(), timestamp, d.payload()));
        }
        // The request timeout covers the wait for the answer's headers; this bounds the body and anything else too.
        long bound = settings.connectTimeout().plus(settings.requestTimeout()).toMillis();
        return http.sendAsync(request.build(), ResponseSnippet.handler(SNIPPET_BYTES))
                .orTimeout(bound, TimeUnit.MILLISECONDS)
                .handle((response, error) -> new Sent(d, response, error, null));
    }

    private CompletableFuture<Sent> refused(Due d, String reason) {
        return CompletableFuture.completedFuture(new Sent(d, null, null, gaveUp(d, null, reason)));
    }

    private Attempt answered(Due d, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            log.info("Webhook delivery {} of task {} delivered: HTTP {} on attempt {}", d.key(), d.taskId(), status,
                    d.attempt());
            return Attempt.delivered(d.key(), status);
        }
        String reason = "HTTP " + status + answerText(response.body());
        if (status == 408 || status == 429 || status >= 500) {
            OptionalLong retryAfter = status == 429 || status == 503
                    ? retryAfterSeconds(response.headers().firstValue("Retry-After").orElse(null)) : OptionalLong.empty();
            return retry(d, status, reason, retryAfter);
        }
        return gaveUp(d, status, reason);
    }

    private Attempt unreachable(Due d, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String reason;
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            reason = "No answer within " + settings.requestTimeout().toMillis() + " ms";
        } else if (cause instanceof ConnectException) {
            reason = "Cannot connect: " + message(cause);
        } else if (cause instanceof IOException) {
            reason = "Connection failed: " + message(cause);
        } else {
            reason = "Sending failed: " + message(cause);
        }
        return retry(d, null, reason, OptionalLong.empty());
    }

    private Attempt retry(Due d, Integer status, String reason, OptionalLong retryAfterSeconds) {
        if (d.attempt() >= settings.maxAttempts()) {
            return gaveUp(d, status, "Gave up after " + d.attempt() + " attempts; last: " + reason);
        }
        Duration wait = settings.retry().delay(d.attempt(), random.getAsDouble());
        if (retryAfterSeconds.isPresent()) {
            Duration asked = Duration.ofSeconds(Math.min(retryAfterSeconds.getAsLong(), settings.retry().max().toSeconds()));
            wait = asked.compareTo(wait) > 0 ? asked : wait;
        }
        Instant at = clock.instant().plus(wait);
        log.warn("Webhook delivery {} of task {} attempt {} failed ({}); retrying in {} ms", d.key(), d.taskId(),
                d.attempt(), reason, wait.toMillis());
        return Attempt.retryAt(d.key(), at, status, reason);
    }

    private Attempt gaveUp(Due d, Integer status, String reason) {
        log.warn("Webhook delivery {} of task {} failed for good on attempt {}: {}", d.key(), d.taskId(), d.attempt(),
                reason);
        return Attempt.failed(d.key(), status, reason);
    }

    private static OptionalLong retryAfterSeconds(String value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            long seconds = Long.parseLong(value.trim());
            return seconds >= 0 ? OptionalLong.of(seconds) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // an HTTP date: the back-off alone decides
        }
    }

    private static String answerText(String body) {
        String text = oneLine(body);
        return text.isEmpty() ? "" : ": " + text;
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return oneLine(m == null || m.isBlank() ? t.getClass().getSimpleName() : m);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ").strip();
    }
}
