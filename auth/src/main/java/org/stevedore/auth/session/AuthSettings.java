package org.stevedore.auth.session;

import java.time.Duration;

/**
 * What a deployment may change about sessions.
 *
 * @param tokenLifetime how long an issued token is valid
 */
public record AuthSettings(Duration tokenLifetime) {

    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(1);

    public AuthSettings {
        if (tokenLifetime == null) {
            tokenLifetime = DEFAULT_TOKEN_LIFETIME;
        }
        if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
            throw new IllegalArgumentException("auth token lifetime must be positive, was " + tokenLifetime);
        }
    }

    public static AuthSettings defaults() {
        return new AuthSettings(null);
    }
}
