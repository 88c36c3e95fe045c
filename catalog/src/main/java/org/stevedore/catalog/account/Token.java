package org.stevedore.catalog.account;

import java.time.Instant;

/**
 * A session as stored: {@code (:Token {hash, account, identity, expires_at, created_at})}. The token itself is
 * never stored, only its {@link TokenHash}.
 *
 * @param identity the identity that authenticated (user name, DN, ...)
 */
public record Token(TokenHash hash, String account, String identity, Instant expiresAt, Instant createdAt) {
}
