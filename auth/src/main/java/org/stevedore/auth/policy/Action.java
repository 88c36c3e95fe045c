package org.stevedore.auth.policy;

import java.util.Locale;

/**
 * Everything the permission policy decides about, named as Rucio names its permissions ({@code add_did},
 * {@code add_rule}, ...). Actions of modules that arrive later (rules, campaigns, tasks) are here already, so their
 * endpoints only have to call the policy.
 */
public enum Action {
    ADD_DID, ATTACH, DETACH, SET_DID_METADATA, SET_DID_STATUS, DELETE_DID,
    ADD_REPLICAS, DELETE_REPLICAS, SET_TOMBSTONE,
    DECLARE_BAD_FILE_REPLICAS, DECLARE_SUSPICIOUS_FILE_REPLICAS, ADD_BAD_PFNS,
    ADD_RULE, UPDATE_RULE, APPROVE_RULE, DELETE_RULE,
    ADD_RSE, UPDATE_RSE, DELETE_RSE, SET_RSE_ATTRIBUTE, SET_RSE_LIMIT,
    ADD_ACCOUNT, UPDATE_ACCOUNT, DELETE_ACCOUNT, SET_ACCOUNT_ATTRIBUTE, ADD_SCOPE,
    ADD_IDENTITY, DELETE_IDENTITY, SET_ACCOUNT_LIMIT,
    SUBMIT_CAMPAIGN, CANCEL_CAMPAIGN, REGISTER_TASK, REPORT_JOB, CANCEL_TASK, VIEW_TASK_DELIVERIES,
    LIST_TASKS, LIST_HEARTBEATS;

    /** Rucio's spelling, used in refusals and configuration: {@code add_did}. */
    public String rucioName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Action parse(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
