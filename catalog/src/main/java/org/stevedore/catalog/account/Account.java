package org.stevedore.catalog.account;

import java.time.Instant;
import java.util.Objects;

/**
 * An account as stored in {@code (:Account {account, account_type, status, email, created_at, updated_at,
 * suspended_at, deleted_at})}; timestamps are epoch milliseconds in the store.
 *
 * @param email       may be null
 * @param suspendedAt set while the account is SUSPENDED, else null
 * @param deletedAt   set once the account is DELETED, else null
 */
public record Account(
        String account,
        AccountType type,
        AccountStatus status,
        String email,
        Instant createdAt,
        Instant updatedAt,
        Instant suspendedAt,
        Instant deletedAt) {

    public Account {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public boolean isActive() {
        return status == AccountStatus.ACTIVE;
    }
}
