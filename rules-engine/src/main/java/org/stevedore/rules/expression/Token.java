package org.stevedore.rules.expression;

/** One token of an RSE expression; {@code position} is 1-based, counted in characters. */
record Token(Type type, String text, int position) {

    enum Type {
        WORD, EQUALS, LESS_THAN, GREATER_THAN, UNION, INTERSECTION, DIFFERENCE, OPEN, CLOSE, ALL, END
    }

    /** How an error message names this token. */
    String describe() {
        return type == Type.END ? "the end" : "'" + RseExpressionSyntax.abbreviate(text, 40) + "'";
    }
}
