package org.stevedore.catalog.account;

import java.time.Instant;

/**
 * A session as stored: {@code (:Token {hash, account, identity, identity_key, expires_at, created_at, vos, fqans,
 * roles_until})}. The token itself is never stored, only its {@link TokenHash}.
 *
 * @param identity the identity that authenticated (user name, DN, ...)
 * @param roles    the VOMS attributes proven at login (none for a password login), with their own expiry
 */
public record Token(TokenHash hash, String account, String identity, Instant expiresAt, Instant createdAt,
                    TokenRoles roles) {

    public Token {
        roles = roles == null ? TokenRoles.none() : roles;
    }

    public Token(TokenHash hash, String account, String identity, Instant expiresAt, Instant createdAt) {
        this(hash, account, identity, expiresAt, createdAt, TokenRoles.none());
    }
}
