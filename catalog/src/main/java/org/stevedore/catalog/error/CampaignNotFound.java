package org.stevedore.catalog.error;

/** A campaign id that does not exist. */
public class CampaignNotFound extends StevedoreException {
    public CampaignNotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
