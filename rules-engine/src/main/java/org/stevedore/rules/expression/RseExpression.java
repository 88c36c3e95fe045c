package org.stevedore.rules.expression;

/**
 * A parsed RSE expression. Binary operators have no precedence and group from the left, as in Rucio:
 * {@code type=DISK&cloud=IT|cloud=FR} is {@code Binary(UNION, Binary(INTERSECTION, type=DISK, cloud=IT), cloud=FR)}.
 * {@link #toString()} writes the expression back with every binary operation in parentheses, which shows the grouping.
 */
public sealed interface RseExpression {

    /** {@code *}: every RSE. */
    record All() implements RseExpression {
        @Override
        public String toString() {
            return "*";
        }
    }

    /** A bare RSE name, which selects through the attribute {@code <NAME>=true} every RSE carries for itself. */
    record BareName(String name) implements RseExpression {
        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code key=value}, {@code key<number} or {@code key>number} on RSE attributes. */
    record Primitive(String key, Comparison op, String value) implements RseExpression {
        @Override
        public String toString() {
            return key + op.symbol() + value;
        }
    }

    /** {@code left op right}. */
    record Binary(Operator op, RseExpression left, RseExpression right) implements RseExpression {
        @Override
        public String toString() {
            return "(" + left + op.symbol() + right + ")";
        }
    }

    enum Comparison {
        EQUALS('='), LESS_THAN('<'), GREATER_THAN('>');

        private final char symbol;

        Comparison(char symbol) {
            this.symbol = symbol;
        }

        public char symbol() {
            return symbol;
        }
    }

    enum Operator {
        UNION('|'), INTERSECTION('&'), DIFFERENCE('\\');

        private final char symbol;

        Operator(char symbol) {
            this.symbol = symbol;
        }

        public char symbol() {
            return symbol;
        }
    }
}
