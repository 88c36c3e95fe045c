package org.stevedore.web.ui;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.scope.Scope;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;

/**
 * Whose data a UI page shows. The API lets any authenticated account read the catalog; the UI's pages of figures
 * (transfers, rules, campaigns) show an ordinary account only the data of its own scopes, so a user is not shown the
 * whole grid's traffic. "Its own" is the permission policy's word, not the UI's: a scope is the caller's when the
 * policy lets it write there ({@code add_did}: the scope's owner), and an admin sees everything.
 */
@Component
public class UiScopes {

    private final Permissions permissions;
    private final ScopeStore scopes;
    private final AccountStore accounts;

    public UiScopes(Permissions permissions, ScopeStore scopes, AccountStore accounts) {
        this.permissions = permissions;
        this.scopes = scopes;
        this.accounts = accounts;
    }

    /** The scopes whose data the caller sees, or null for all (an admin). */
    public Set<String> visible(Caller caller) {
        if (accounts.isAdmin(caller.account())) {
            return null;
        }
        return scopes.list().stream().map(Scope::scope)
                .filter(s -> permissions.allows(caller, Action.ADD_DID, Target.scope(s)))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether every scope of {@code wanted} is visible in {@code visible} (null: all are). */
    public static boolean covers(Set<String> visible, Collection<String> wanted) {
        return visible == null || visible.containsAll(wanted);
    }
}
