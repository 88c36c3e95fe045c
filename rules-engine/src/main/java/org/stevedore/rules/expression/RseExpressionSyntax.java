package org.stevedore.rules.expression;

import java.util.ArrayList;
import java.util.List;
import org.stevedore.rules.error.InvalidRSEExpression;

/**
 * Turns text into tokens and refuses characters the grammar does not know, naming each by its 1-based position.
 * Words are runs of {@code [A-Za-z0-9_.:/-]}: what keys, values and RSE names are made of (which of them a word may
 * be is the parser's business). Whitespace is refused, as in Rucio, rather than silently dropped.
 */
final class RseExpressionSyntax {

    private RseExpressionSyntax() {
    }

    static List<Token> tokenize(String expression) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < expression.length()) {
            char c = expression.charAt(i);
            int position = i + 1;
            Token.Type symbol = symbol(c);
            if (symbol != null) {
                tokens.add(new Token(symbol, String.valueOf(c), position));
                i++;
            } else if (isWordChar(c)) {
                int end = i;
                while (end < expression.length() && isWordChar(expression.charAt(end))) {
                    end++;
                }
                tokens.add(new Token(Token.Type.WORD, expression.substring(i, end), position));
                i = end;
            } else if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                throw error(expression, "whitespace is not allowed, found at position " + position);
            } else {
                throw error(expression, "character " + describe(expression.codePointAt(i)) + " at position "
                        + position + " is not allowed");
            }
        }
        tokens.add(new Token(Token.Type.END, "", expression.length() + 1));
        return tokens;
    }

    private static Token.Type symbol(char c) {
        return switch (c) {
            case '=' -> Token.Type.EQUALS;
            case '<' -> Token.Type.LESS_THAN;
            case '>' -> Token.Type.GREATER_THAN;
            case '|' -> Token.Type.UNION;
            case '&' -> Token.Type.INTERSECTION;
            case '\\' -> Token.Type.DIFFERENCE;
            case '(' -> Token.Type.OPEN;
            case ')' -> Token.Type.CLOSE;
            case '*' -> Token.Type.ALL;
            default -> null;
        };
    }

    static boolean isWordChar(char c) {
        return isKeyChar(c) || c == ':' || c == '/';
    }

    static boolean isKeyChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == '-';
    }

    static InvalidRSEExpression error(String expression, String why) {
        return new InvalidRSEExpression("Invalid RSE expression '" + abbreviate(expression, 100) + "': " + why);
    }

    /**
     * At most {@code max} characters, anything but printable ASCII as '?': messages travel in HTTP headers and logs,
     * and the expression is whatever the caller sent.
     */
    static String abbreviate(String text, int max) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), max + 3));
        for (int i = 0; i < text.length() && i < max; i++) {
            char c = text.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (text.length() > max) {
            b.append("...");
        }
        return b.toString();
    }

    private static String describe(int codePoint) {
        String hex = String.format("U+%04X", codePoint);
        return codePoint >= 0x20 && codePoint < 0x7f ? "'" + (char) codePoint + "' (" + hex + ")" : hex;
    }
}
