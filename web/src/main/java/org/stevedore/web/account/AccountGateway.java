package org.stevedore.web.account;

import org.springframework.stereotype.Component;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.naming.Names;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;

/**
 * The catalog's gateway for accounts, their scopes, identities, attributes and limits, as Rucio's gateway layer:
 * whether this caller may change them is decided here through the permission policy. These checks are judged on the
 * path alone, before the body is read (a refused request is a 403 whatever its body), so where the controller still
 * has a body to read the gateway offers the check ({@code require...}) and the controller reads and writes after it;
 * where nothing is read in between, the gateway checks and then writes. Reading needs no permission.
 */
@Component
public class AccountGateway {

    private final Permissions permissions;
    private final AccountStore accounts;
    private final ScopeStore scopes;
    private final AccountLimitStore limits;

    public AccountGateway(Permissions permissions, AccountStore accounts, ScopeStore scopes, AccountLimitStore limits) {
        this.permissions = permissions;
        this.accounts = accounts;
        this.scopes = scopes;
        this.limits = limits;
    }

    /** add_account, before the body is read. */
    public void requireAdd(Caller caller, String account) {
        permissions.require(caller, Action.ADD_ACCOUNT, Target.account(account));
    }

    /** update_account, before the body is read. */
    public void requireUpdate(Caller caller, String account) {
        permissions.require(caller, Action.UPDATE_ACCOUNT, Target.account(account));
    }

    /** delete_account, then the account goes. */
    public void delete(Caller caller, String account) {
        permissions.require(caller, Action.DELETE_ACCOUNT, Target.account(account));
        accounts.delete(Names.account(account));
    }

    /** add_scope (the new scope for its account), then the scope. */
    public void addScope(Caller caller, String account, String scope) {
        permissions.require(caller, Action.ADD_SCOPE, Target.newScope(scope, account));
        scopes.add(Names.scope(scope), Names.account(account));
    }

    /** add_identity, before the body is read. */
    public void requireAddIdentity(Caller caller, String account) {
        permissions.require(caller, Action.ADD_IDENTITY, Target.account(account));
    }

    /** delete_identity, before the body is read. */
    public void requireDeleteIdentity(Caller caller, String account) {
        permissions.require(caller, Action.DELETE_IDENTITY, Target.account(account));
    }

    /** set_account_attribute, before the body is read. */
    public void requireSetAttribute(Caller caller, String account) {
        permissions.require(caller, Action.SET_ACCOUNT_ATTRIBUTE, Target.account(account));
    }

    /** set_account_attribute, then the attribute goes. */
    public void deleteAttribute(Caller caller, String account, String key) {
        permissions.require(caller, Action.SET_ACCOUNT_ATTRIBUTE, Target.account(account));
        accounts.deleteAttribute(Names.account(account), key);
    }

    /** set_account_limit, before the body is read. */
    public void requireSetLimit(Caller caller, String account) {
        permissions.require(caller, Action.SET_ACCOUNT_LIMIT, Target.account(account));
    }

    /** set_account_limit, then the account's limit at the RSE goes. */
    public void deleteLimit(Caller caller, String account, String rse) {
        permissions.require(caller, Action.SET_ACCOUNT_LIMIT, Target.account(account));
        limits.delete(Names.account(account), rse);
    }
}
