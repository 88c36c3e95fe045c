package org.stevedore.transfer.error;

import org.stevedore.catalog.error.StevedoreException;

/** No consistency check run of that id for the RSE asked about. */
public class ConsistencyRunNotFound extends StevedoreException {
    public ConsistencyRunNotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
