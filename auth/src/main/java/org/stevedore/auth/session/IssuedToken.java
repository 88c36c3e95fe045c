package org.stevedore.auth.session;

import java.time.Instant;

/**
 * A token just issued: the only time the token itself exists on the server side (it is stored as a hash).
 * Hand {@code token} to the client as {@code X-Rucio-Auth-Token} and forget it.
 */
public record IssuedToken(String token, String account, String identity, Instant expiresAt) {

    /** Leaves the token out, so that logging this never leaks a session. */
    @Override
    public String toString() {
        return "IssuedToken[account=" + account + ", identity=" + identity + ", expiresAt=" + expiresAt + "]";
    }
}
