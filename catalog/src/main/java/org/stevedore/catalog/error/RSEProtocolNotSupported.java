package org.stevedore.catalog.error;

/** An RSE has no protocol of the requested scheme. */
public class RSEProtocolNotSupported extends StevedoreException {
    public RSEProtocolNotSupported(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
