package org.stevedore.transfer.error;

import org.stevedore.catalog.error.StevedoreException;

/** No transfer request of a file towards an RSE. */
public class RequestNotFound extends StevedoreException {
    public RequestNotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
