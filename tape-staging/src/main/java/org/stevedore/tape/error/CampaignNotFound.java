package org.stevedore.tape.error;

import org.stevedore.catalog.error.StevedoreException;

/** A campaign id that does not exist. */
public class CampaignNotFound extends StevedoreException {
    public CampaignNotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
