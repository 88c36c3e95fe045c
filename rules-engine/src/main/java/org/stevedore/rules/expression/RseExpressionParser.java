package org.stevedore.rules.expression;

import java.util.List;
import org.stevedore.rules.error.InvalidRSEExpression;
import org.stevedore.rules.expression.RseExpression.All;
import org.stevedore.rules.expression.RseExpression.BareName;
import org.stevedore.rules.expression.RseExpression.Binary;
import org.stevedore.rules.expression.RseExpression.Comparison;
import org.stevedore.rules.expression.RseExpression.Operator;
import org.stevedore.rules.expression.RseExpression.Primitive;

/**
 * Rucio's RSE expression grammar, by recursive descent:
 * <pre>
 * expression := term (('|' | '&amp;' | '\') term)*          -- no precedence: folded from the left
 * term       := '(' expression ')' | '*' | name | key ('=' value | '&lt;' number | '&gt;' number)
 * name, key  := [A-Za-z0-9_] [A-Za-z0-9_.-]*
 * value      := [A-Za-z0-9_.:/-]+
 * </pre>
 * Every refusal is an {@link InvalidRSEExpression} saying what was found, at which 1-based position, and what was
 * expected there. Nesting and length are bounded so that no input can exhaust the stack.
 */
public final class RseExpressionParser {

    /** Longer expressions are refused; a list of a few hundred RSE names still fits. */
    public static final int MAX_LENGTH = 10_000;
    /** Deeper parenthesis nesting is refused; the parser and evaluation recurse once per level. */
    public static final int MAX_DEPTH = 64;

    private static final String A_TERM = "an RSE name, key=value, key<number, key>number, '*' or '('";

    private final String expression;
    private final List<Token> tokens;
    private int next;

    private RseExpressionParser(String expression, List<Token> tokens) {
        this.expression = expression;
        this.tokens = tokens;
    }

    /** Parses without touching any store: the check for input that must be valid before anything is resolved. */
    public static RseExpression parse(String expression) {
        if (expression == null || expression.isEmpty()) {
            throw new InvalidRSEExpression("Invalid RSE expression: it is empty");
        }
        if (expression.length() > MAX_LENGTH) {
            throw RseExpressionSyntax.error(expression, "it has " + expression.length() + " characters, at most "
                    + MAX_LENGTH + " are allowed");
        }
        return new RseExpressionParser(expression, RseExpressionSyntax.tokenize(expression)).whole();
    }

    private RseExpression whole() {
        RseExpression parsed = expression(0);
        Token after = peek();
        if (after.type() == Token.Type.CLOSE) {
            throw error("unexpected ')' at position " + after.position() + ": there is no '(' to close");
        }
        if (after.type() != Token.Type.END) {
            throw error("unexpected " + after.describe() + " at position " + after.position()
                    + ": expected an operator ('|', '&', '\\')");
        }
        return parsed;
    }

    private RseExpression expression(int depth) {
        RseExpression left = term(depth);
        Operator op;
        while ((op = operator(peek())) != null) {
            take();
            left = new Binary(op, left, term(depth));
        }
        return left;
    }

    private RseExpression term(int depth) {
        Token token = take();
        return switch (token.type()) {
            case ALL -> new All();
            case WORD -> primitive(token);
            case OPEN -> group(token, depth);
            case END -> throw error("it ends after " + last().describe() + " at position " + last().position()
                    + ": expected " + A_TERM);
            default -> throw error("unexpected " + token.describe() + " at position " + token.position()
                    + ": expected " + A_TERM);
        };
    }

    private RseExpression group(Token open, int depth) {
        if (depth + 1 > MAX_DEPTH) {
            throw error("'(' at position " + open.position() + " nests deeper than " + MAX_DEPTH + " levels");
        }
        RseExpression inner = expression(depth + 1);
        Token close = take();
        if (close.type() == Token.Type.END) {
            throw error("unbalanced '(' opened at position " + open.position() + ": no ')' closes it");
        }
        if (close.type() != Token.Type.CLOSE) {
            throw error("unexpected " + close.describe() + " at position " + close.position()
                    + ": expected an operator ('|', '&', '\\') or ')' to close the '(' at position " + open.position());
        }
        return inner;
    }

    private RseExpression primitive(Token word) {
        Comparison comparison = comparison(peek());
        checkName(word, comparison == null ? "RSE name" : "attribute key");
        if (comparison == null) {
            return new BareName(word.text());
        }
        Token op = take();
        Token value = take();
        boolean numeric = comparison != Comparison.EQUALS;
        String expected = numeric ? "a number" : "a value";
        if (value.type() != Token.Type.WORD) {
            throw error("expected " + expected + " after '" + op.text() + "' at position " + op.position()
                    + ", found " + value.describe());
        }
        if (numeric && AttributeValues.number(value.text()) == null) {
            throw error("expected a number after '" + op.text() + "' at position " + op.position() + ", found "
                    + value.describe());
        }
        return new Primitive(word.text(), comparison, value.text());
    }

    /** Keys and names start with a letter, digit or '_' and hold no ':' or '/' (only values may). */
    private void checkName(Token word, String what) {
        String text = word.text();
        if (!Character.isLetterOrDigit(text.charAt(0)) && text.charAt(0) != '_') {
            throw error("invalid " + what + " " + word.describe() + " at position " + word.position()
                    + ": it must start with a letter, digit or '_'");
        }
        for (int i = 0; i < text.length(); i++) {
            if (!RseExpressionSyntax.isKeyChar(text.charAt(i))) {
                throw error("invalid " + what + " " + word.describe() + " at position " + word.position()
                        + ": character '" + text.charAt(i) + "' at position " + (word.position() + i)
                        + " is only allowed in values");
            }
        }
    }

    private static Operator operator(Token token) {
        return switch (token.type()) {
            case UNION -> Operator.UNION;
            case INTERSECTION -> Operator.INTERSECTION;
            case DIFFERENCE -> Operator.DIFFERENCE;
            default -> null;
        };
    }

    private static Comparison comparison(Token token) {
        return switch (token.type()) {
            case EQUALS -> Comparison.EQUALS;
            case LESS_THAN -> Comparison.LESS_THAN;
            case GREATER_THAN -> Comparison.GREATER_THAN;
            default -> null;
        };
    }

    private Token peek() {
        return tokens.get(next);
    }

    /** The next token; the END token is never passed, so taking at the end keeps answering END. */
    private Token take() {
        Token token = tokens.get(next);
        if (token.type() != Token.Type.END) {
            next++;
        }
        return token;
    }

    /** The last real token; only asked for when an expression ends early, so there is one. */
    private Token last() {
        return tokens.get(tokens.size() - 2);
    }

    private InvalidRSEExpression error(String why) {
        return RseExpressionSyntax.error(expression, why);
    }
}
