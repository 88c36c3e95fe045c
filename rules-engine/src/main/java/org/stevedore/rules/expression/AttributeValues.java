package org.stevedore.rules.expression;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * How an attribute value compares with the text of an expression. Values arrive typed (string, boolean, long,
 * double) but the stock client sends everything as a string ({@code tier="1"}), so comparisons are loose: numbers
 * numerically whenever both sides read as numbers, {@code true}/{@code false} in any case, other strings exactly.
 */
final class AttributeValues {

    private static final Pattern NUMBER = Pattern.compile("-?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

    private AttributeValues() {
    }

    /** The number the value stands for, or null when it is not one (booleans never are). */
    static BigDecimal number(Object value) {
        if (value instanceof Long l) {
            return BigDecimal.valueOf(l);
        }
        if (value instanceof Double d) {
            return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
        }
        if (value instanceof String s && NUMBER.matcher(s).matches()) {
            try {
                return new BigDecimal(s);
            } catch (NumberFormatException e) {
                return null;  // an exponent beyond what BigDecimal holds
            }
        }
        return null;
    }

    /** {@code attribute = value}, loosely. */
    static boolean equal(Object attribute, String value) {
        if (attribute == null) {
            return false;
        }
        BigDecimal a = number(attribute);
        BigDecimal v = number(value);
        if (a != null && v != null) {
            return a.compareTo(v) == 0;
        }
        String text = String.valueOf(attribute);
        if (isBoolean(text) && isBoolean(value)) {
            return text.equalsIgnoreCase(value);
        }
        return attribute instanceof String && text.equals(value);
    }

    /** The sign of {@code attribute - number}, or null when the attribute is not a number. */
    static Integer compare(Object attribute, BigDecimal number) {
        BigDecimal a = number(attribute);
        return a == null ? null : a.compareTo(number);
    }

    private static boolean isBoolean(String text) {
        return text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false");
    }
}
