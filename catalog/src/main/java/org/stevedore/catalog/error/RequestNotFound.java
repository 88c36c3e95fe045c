package org.stevedore.catalog.error;

/** No transfer request of a file towards an RSE. */
public class RequestNotFound extends StevedoreException {
    public RequestNotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
