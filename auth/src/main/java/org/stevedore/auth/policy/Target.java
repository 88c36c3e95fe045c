package org.stevedore.auth.policy;

import java.util.Set;

/**
 * What an action is about; fields that do not apply are null.
 *
 * @param scope     the DID scope written to (a DID, an attachment's parent, a replica's file, a rule's DID)
 * @param account   the account acted on or for (an account's identity, a rule's owner-to-be, a scope's owner-to-be)
 * @param ruleOwner the account owning an existing rule
 * @param rse       the RSE acted on
 * @param option    the one option of an existing rule being changed ({@code lifetime}, {@code priority}, ...)
 * @param approvers the accounts the RSEs of a rule's expression name in their {@code rule_approvers} attribute
 */
public record Target(String scope, String account, String ruleOwner, String rse, String option,
                     Set<String> approvers) {

    public Target {
        approvers = approvers == null ? Set.of() : Set.copyOf(approvers);
    }

    public Target(String scope, String account, String ruleOwner, String rse) {
        this(scope, account, ruleOwner, rse, null, Set.of());
    }

    public static Target none() {
        return new Target(null, null, null, null);
    }

    public static Target scope(String scope) {
        return new Target(scope, null, null, null);
    }

    public static Target account(String account) {
        return new Target(null, account, null, null);
    }

    public static Target rse(String rse) {
        return new Target(null, null, null, rse);
    }

    /** A new rule on a DID of {@code scope}, to be owned by {@code account} (null: the caller's). */
    public static Target newRule(String scope, String account) {
        return new Target(scope, account, null, null);
    }

    /** An existing rule owned by {@code owner}. */
    public static Target rule(String owner, String scope) {
        return new Target(scope, null, owner, null);
    }

    /** One option of an existing rule owned by {@code owner}, to be changed. */
    public static Target ruleOption(String owner, String scope, String option) {
        return new Target(scope, null, owner, null, option, Set.of());
    }

    /** A rule owned by {@code owner} waiting for approval, which {@code approvers} may approve or deny. */
    public static Target ruleApproval(String owner, String scope, Set<String> approvers) {
        return new Target(scope, null, owner, null, null, approvers);
    }

    /** A workload bridge task registered by {@code owner}, reading inputs of {@code scope}. */
    public static Target task(String owner, String scope) {
        return new Target(scope, owner, null, null);
    }

    /** A new scope for {@code account}. */
    public static Target newScope(String scope, String account) {
        return new Target(scope, account, null, null);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        append(b, "scope", scope);
        append(b, "account", account);
        append(b, "rule owned by", ruleOwner);
        append(b, "RSE", rse);
        append(b, "option", option);
        return b.toString();
    }

    private static void append(StringBuilder b, String what, String value) {
        if (value != null) {
            b.append(b.isEmpty() ? "" : ", ").append(what).append(" '").append(value).append('\'');
        }
    }
}
