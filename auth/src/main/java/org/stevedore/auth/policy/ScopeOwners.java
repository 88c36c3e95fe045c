package org.stevedore.auth.policy;

import java.util.Optional;

/** Who owns a scope; the web layer answers from the catalog, tests from a map. */
@FunctionalInterface
public interface ScopeOwners {
    Optional<String> owner(String scope);
}
