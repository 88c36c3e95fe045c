package org.stevedore.catalog.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The SHA-256 (lower-case hex) of a session token: the only form in which a token is stored or used as a key, so
 * that a copy of the store or a heap dump of a cache does not hand out working sessions. A plain hash suffices
 * because tokens are 256 random bits, not guessable passwords.
 */
public record TokenHash(String hex) {

    public TokenHash {
        Objects.requireNonNull(hex, "hex");
    }

    public static TokenHash of(String token) {
        Objects.requireNonNull(token, "token");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return new TokenHash(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e); // every JVM must have it
        }
    }
}
