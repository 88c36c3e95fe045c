package org.stevedore.web.api;

import org.stevedore.catalog.error.StevedoreException;

/** A request body over the configured limit. */
public class PayloadTooLarge extends StevedoreException {
    public PayloadTooLarge(String message) {
        super(Kind.TOO_LARGE, message);
    }
}
