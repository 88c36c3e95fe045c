package org.stevedore.catalog.account;

import java.util.Objects;

/**
 * One mapping of an identity to an account: {@code (:Identity {key, identity, identity_type, email,
 * password_hash, created_at})-[:MAPS_TO {is_default}]->(:Account)}. An identity may map to several accounts;
 * the client's {@code X-Rucio-Account} chooses, else the default mapping.
 *
 * @param identity     the user name, DN, SSH key, GSS principal or OIDC subject
 * @param email        the identity's email, may be null
 * @param passwordHash an encoded password hash for USERPASS identities, null otherwise; never the password
 * @param isDefault    whether this is the identity's default account
 */
public record Identity(
        String identity,
        IdentityType type,
        String account,
        String email,
        String passwordHash,
        boolean isDefault) {

    public Identity {
        Objects.requireNonNull(type, "type");
    }

    /** The unique key of the identity node: {@code TYPE|identity}. */
    public String key() {
        return key(type, identity);
    }

    public static String key(IdentityType type, String identity) {
        return type.name() + "|" + identity;
    }

    /** This mapping without the password hash, for answers to clients. */
    public Identity withoutSecret() {
        return new Identity(identity, type, account, email, null, isDefault);
    }

    /** Leaves the hash out, so that logging a mapping never spreads it. */
    @Override
    public String toString() {
        return "Identity[" + key() + " -> " + account + (isDefault ? " (default)" : "") + ", email=" + email
                + (passwordHash == null ? "" : ", passwordHash=***") + "]";
    }
}
