package org.stevedore.bridge.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How deliveries are signed: {@code X-Stevedore-Signature: sha256=<hex>} where hex is the lower-case HMAC-SHA256, keyed
 * with the task's webhook secret (its UTF-8 bytes), of {@code <timestamp>.<body>}; {@code <timestamp>} is the value of
 * the {@code X-Stevedore-Timestamp} header (Unix seconds of this attempt). Signing the timestamp lets a consumer
 * refuse replays of an old request (say, older than five minutes); the {@code Idempotency-Key} header, the same on
 * every attempt, lets it drop duplicates of a delivery it already processed.
 */
public final class WebhookSignature {

    public static final String SIGNATURE_HEADER = "X-Stevedore-Signature";
    public static final String TIMESTAMP_HEADER = "X-Stevedore-Timestamp";
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    public static final String ATTEMPT_HEADER = "X-Stevedore-Delivery-Attempt";
    private static final String PREFIX = "sha256=";
    private static final String ALGORITHM = "HmacSHA256";

    private WebhookSignature() {
    }

    /** The signature header's value for {@code body} sent at {@code timestamp} (Unix seconds). */
    public static String sign(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** What a consumer does: recompute and compare in constant time. */
    public static boolean verify(String secret, long timestamp, String body, String header) {
        if (header == null) {
            return false;
        }
        return MessageDigest.isEqual(sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII),
                header.getBytes(StandardCharsets.US_ASCII));
    }
}
