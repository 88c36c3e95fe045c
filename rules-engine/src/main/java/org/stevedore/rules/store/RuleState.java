package org.stevedore.rules.store;

/** Rucio's rule states. */
public enum RuleState { REPLICATING, OK, STUCK, SUSPENDED, WAITING_APPROVAL, INJECT }
