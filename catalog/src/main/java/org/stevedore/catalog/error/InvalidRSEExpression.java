package org.stevedore.catalog.error;

/** An RSE expression that does not parse, or that selects no RSE. */
public class InvalidRSEExpression extends StevedoreException {
    public InvalidRSEExpression(String message) {
        super(Kind.INVALID, message);
    }
}
