package org.stevedore.rules.store;

/** Rucio's lock states. */
public enum LockState { OK, REPLICATING, STUCK }
