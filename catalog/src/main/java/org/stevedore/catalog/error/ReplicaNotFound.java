package org.stevedore.catalog.error;

/** A replica of a DID on an RSE that does not exist. */
public class ReplicaNotFound extends StevedoreException {
    public ReplicaNotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
