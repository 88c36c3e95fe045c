package org.stevedore.auth.password;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.stevedore.catalog.error.InvalidObject;

/**
 * Argon2id password hashes (Spring Security's encoder over Bouncy Castle's Argon2), in the self-describing
 * {@code $argon2id$v=19$m=...,t=...,p=...$salt$hash} form, so parameters can be raised later without breaking
 * stored hashes. Thread-safe.
 */
public final class PasswordHasher {

    /** Argon2 itself accepts anything; the bound only keeps a hostile request from costing much. */
    public static final int MAX_PASSWORD = 1_024;

    private final Argon2PasswordEncoder encoder;
    /** Verified against when there is no stored hash, so an unknown user costs as much time as a known one. */
    private final String decoy;

    public PasswordHasher() {
        this(Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8());
    }

    public PasswordHasher(Argon2PasswordEncoder encoder) {
        this.encoder = encoder;
        this.decoy = encoder.encode("decoy password, never stored");
    }

    public String hash(CharSequence password) {
        if (password == null || password.isEmpty()) {
            throw new InvalidObject("Invalid password: it is missing or empty");
        }
        if (password.length() > MAX_PASSWORD) {
            throw new InvalidObject("Invalid password: " + password.length() + " characters, at most " + MAX_PASSWORD);
        }
        return encoder.encode(password);
    }

    /** True when {@code password} matches {@code hash}; false for a missing password or hash (never throws). */
    public boolean verify(CharSequence password, String hash) {
        if (password == null || password.isEmpty() || password.length() > MAX_PASSWORD) {
            return false;
        }
        if (hash == null || hash.isEmpty()) {
            encoder.matches(password, decoy);
            return false;
        }
        return encoder.matches(password, hash);
    }
}
