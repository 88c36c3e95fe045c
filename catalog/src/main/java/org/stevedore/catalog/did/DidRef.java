package org.stevedore.catalog.did;

import org.stevedore.catalog.naming.Names;

/** A DID's identity, {@code scope:name}. */
public record DidRef(String scope, String name) {

    /** Validates the names; invalid ones are refused with a message naming what is wrong. */
    public static DidRef of(String scope, String name) {
        Names.did(scope, name);
        return new DidRef(scope, name);
    }

    /**
     * A store key back into its DID. Keys are written only for valid DIDs, so they are not validated again; a string
     * without ':' is refused.
     */
    public static DidRef fromKey(String key) {
        int colon = key.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + key + "' is not a DID key (scope:name)");
        }
        return new DidRef(key.substring(0, colon), key.substring(colon + 1));
    }

    /** The store's unique key of a DID. ':' is never part of a valid scope or name. */
    public String key() {
        return scope + ":" + name;
    }

    @Override
    public String toString() {
        return key();
    }
}
