package org.stevedore.catalog.store;

/** The store was migrated by a newer Stevedore; running older code against it could corrupt it. */
public class StoreNewerThanCode extends IllegalStateException {
    public StoreNewerThanCode(int storeVersion, int codeVersion) {
        super("The catalog store has schema version " + storeVersion + " but this Stevedore knows versions up to "
                + codeVersion + ". Run a Stevedore release at least as new as the one that last migrated this store.");
    }
}
