package org.stevedore.auth.policy;

/** The answer of one decision function. */
public enum Decision {
    PERMIT, DENY;

    public static Decision of(boolean permitted) {
        return permitted ? PERMIT : DENY;
    }
}
