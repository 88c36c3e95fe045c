package org.stevedore.auth.session;

import java.time.Duration;

/**
 * @param tokenLifetime         how long an issued token is valid
 * @param validationCacheTtl    how long a validated token is trusted without asking the store again (never past
 *                              its expiry); also how long a suspended account's sessions may linger
 * @param validationCacheSize   at most this many validated tokens are remembered
 */
public record AuthSettings(Duration tokenLifetime, Duration validationCacheTtl, long validationCacheSize) {

    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(1);
    public static final Duration DEFAULT_VALIDATION_CACHE_TTL = Duration.ofSeconds(30);
    public static final long DEFAULT_VALIDATION_CACHE_SIZE = 100_000;

    public AuthSettings {
        if (tokenLifetime == null) {
            tokenLifetime = DEFAULT_TOKEN_LIFETIME;
        }
        if (validationCacheTtl == null) {
            validationCacheTtl = DEFAULT_VALIDATION_CACHE_TTL;
        }
        if (validationCacheSize <= 0) {
            validationCacheSize = DEFAULT_VALIDATION_CACHE_SIZE;
        }
        if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
            throw new IllegalArgumentException("auth token lifetime must be positive, was " + tokenLifetime);
        }
        if (validationCacheTtl.isNegative()) {
            throw new IllegalArgumentException("auth validation cache TTL must not be negative, was "
                    + validationCacheTtl);
        }
    }

    public static AuthSettings defaults() {
        return new AuthSettings(null, null, 0);
    }
}
