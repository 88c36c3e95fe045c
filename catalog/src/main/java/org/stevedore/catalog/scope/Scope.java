package org.stevedore.catalog.scope;

import java.time.Instant;

/** A namespace owned by an account: {@code (:Account)-[:OWNS]->(:Scope {scope, account, status, created_at})}. */
public record Scope(String scope, String account, ScopeStatus status, Instant createdAt) {
}
