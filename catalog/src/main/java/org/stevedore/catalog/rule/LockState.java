package org.stevedore.catalog.rule;

/** Rucio's lock states. */
public enum LockState { OK, REPLICATING, STUCK }
