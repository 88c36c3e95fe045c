package org.stevedore.rules.error;

import org.stevedore.catalog.error.StevedoreException;

/**
 * An RSE expression that does not parse, or that selects no RSE. Rucio answers 400 when listing RSEs by expression
 * but 409 when the expression belongs to a rule, like every other refusal of a rule; {@link #inRule} gives the latter.
 */
public class InvalidRSEExpression extends StevedoreException {
    public InvalidRSEExpression(String message) {
        super(Kind.INVALID, message);
    }

    private InvalidRSEExpression(String message, Kind kind) {
        super(kind, message);
    }

    /** The same refusal, reported as a rule refusal (409). */
    public static InvalidRSEExpression inRule(InvalidRSEExpression e) {
        return new InvalidRSEExpression(e.getMessage(), Kind.CONFLICT);
    }
}
