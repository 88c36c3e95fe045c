package org.stevedore.catalog.scope;

/** Whether new DIDs may still be registered in a scope. */
public enum ScopeStatus {
    OPEN, CLOSED
}
