package org.stevedore.rules.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.stevedore.rules.error.InvalidRSEExpression;
import org.stevedore.rules.expression.RseExpression.All;
import org.stevedore.rules.expression.RseExpression.BareName;
import org.stevedore.rules.expression.RseExpression.Binary;
import org.stevedore.rules.expression.RseExpression.Comparison;
import org.stevedore.rules.expression.RseExpression.Operator;
import org.stevedore.rules.expression.RseExpression.Primitive;

class RseExpressionParserTest {

    private static RseExpression parse(String expression) {
        return RseExpressionParser.parse(expression);
    }

    private static void refused(String expression, String... messageParts) {
        assertThatThrownBy(() -> parse(expression))
                .as(expression)
                .isInstanceOf(InvalidRSEExpression.class)
                .message().contains(messageParts);
    }

    @Test
    void primitivesBecomeTheirNodes() {
        assertThat(parse("*")).isEqualTo(new All());
        assertThat(parse("CERN-PROD_DATADISK")).isEqualTo(new BareName("CERN-PROD_DATADISK"));
        assertThat(parse("type=DISK")).isEqualTo(new Primitive("type", Comparison.EQUALS, "DISK"));
        assertThat(parse("tier<2")).isEqualTo(new Primitive("tier", Comparison.LESS_THAN, "2"));
        assertThat(parse("freespace>-1.5")).isEqualTo(new Primitive("freespace", Comparison.GREATER_THAN, "-1.5"));
        assertThat(parse("site.name_x-y=a.b:c/d-e_f"))
                .isEqualTo(new Primitive("site.name_x-y", Comparison.EQUALS, "a.b:c/d-e_f"));
    }

    @Test
    void documentedExampleGroupsFromTheLeft() {
        assertThat(parse("type=DISK&cloud=IT|cloud=FR")).isEqualTo(new Binary(Operator.UNION,
                new Binary(Operator.INTERSECTION,
                        new Primitive("type", Comparison.EQUALS, "DISK"),
                        new Primitive("cloud", Comparison.EQUALS, "IT")),
                new Primitive("cloud", Comparison.EQUALS, "FR")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "A|B&C; ((A|B)&C)",
            "A&B|C; ((A&B)|C)",
            "A\\B|C; ((A\\B)|C)",
            "A|B\\C; ((A|B)\\C)",
            "*\\tier=0; (*\\tier=0)",
            "A|(B&C); (A|(B&C))",
            "(A|B)&(C\\D); ((A|B)&(C\\D))",
            "((A)); A",
            "(((A|B)))&C; ((A|B)&C)",
            "A|B|C|D; (((A|B)|C)|D)"})
    void operatorsHaveNoPrecedenceAndParenthesesGroup(String expression, String grouped) {
        assertThat(parse(expression)).hasToString(grouped);
    }

    @Test
    void emptyExpressionIsRefused() {
        refused(null, "empty");
        refused("", "empty");
    }

    @Test
    void whitespaceIsRefusedWithItsPosition() {
        refused(" A", "whitespace", "position 1");
        refused("A |B", "whitespace", "position 2");
        refused("A|\tB", "whitespace", "position 3");
        refused("type=DISK\n", "whitespace", "position 10");
    }

    @Test
    void charactersOutsideTheGrammarAreNamedWithTheirPosition() {
        refused("A#B", "character '#' (U+0023) at position 2");
        refused("A|caf\u00e9", "U+00E9 at position 6");
        refused("A\u0000", "U+0000 at position 2");
        refused("A,B", "','", "position 2");
    }

    @Test
    void strayClosingParenthesisIsRefused() {
        refused(")", "unexpected ')' at position 1", "expected an RSE name");
        refused("A)", "unexpected ')' at position 2", "no '(' to close");
        refused("(A))", "unexpected ')' at position 4", "no '(' to close");
        refused("()", "unexpected ')' at position 2");
    }

    @Test
    void unclosedParenthesisNamesWhereItWasOpened() {
        refused("(A", "unbalanced '(' opened at position 1");
        refused("A|(B&(C)", "unbalanced '(' opened at position 3");
        refused("(A=B=C)", "unexpected '=' at position 5", "')' to close the '(' at position 1");
    }

    @Test
    void operatorWithoutOperandIsRefused() {
        refused("A|", "ends after '|' at position 2", "expected an RSE name");
        refused("A&B\\", "ends after '\\' at position 4");
        refused("(", "ends after '(' at position 1");
        refused("|A", "unexpected '|' at position 1");
        refused("A||B", "unexpected '|' at position 3");
        refused("A|&B", "unexpected '&' at position 3");
    }

    @Test
    void missingOperatorBetweenTermsIsRefused() {
        refused("A(B)", "unexpected '(' at position 2", "expected an operator");
        refused("A*", "unexpected '*' at position 2", "expected an operator");
        refused("a=b=c", "unexpected '=' at position 4", "expected an operator");
        refused("tier<1>2", "unexpected '>' at position 7");
    }

    @Test
    void comparisonsNeedANumber() {
        refused("tier<", "expected a number after '<' at position 5, found the end");
        refused("tier>abc", "expected a number after '>' at position 5, found 'abc'");
        refused("tier<1.2.3", "expected a number after '<' at position 5");
        refused("tier>1e99999999999", "expected a number after '>' at position 5");
        refused("tier<(", "expected a number after '<' at position 5, found '('");
    }

    @Test
    void equalityNeedsAValue() {
        refused("type=", "expected a value after '=' at position 5, found the end");
        refused("type=|A", "expected a value after '=' at position 5, found '|'");
        refused("=DISK", "unexpected '=' at position 1");
    }

    @Test
    void keysAndNamesAreRestrictedToKeyCharacters() {
        refused("a:b=c", "invalid attribute key 'a:b' at position 1", "character ':' at position 2");
        refused("A|site/x", "invalid RSE name 'site/x' at position 3", "character '/' at position 7");
        refused("-A", "invalid RSE name '-A' at position 1", "must start with");
        refused(".tier>1", "invalid attribute key '.tier'");
    }

    @Test
    void nestingAndLengthAreBounded() {
        int deep = RseExpressionParser.MAX_DEPTH;
        assertThat(parse("(".repeat(deep) + "A" + ")".repeat(deep))).isEqualTo(new BareName("A"));
        refused("(".repeat(deep + 1) + "A" + ")".repeat(deep + 1), "at position " + (deep + 1), "nests deeper");
        refused("(".repeat(100_000), "characters, at most");

        String longest = "A|".repeat((RseExpressionParser.MAX_LENGTH - 1) / 2) + "A";
        assertThat(parse(longest)).isInstanceOf(Binary.class);
        refused(longest + "|A", "at most " + RseExpressionParser.MAX_LENGTH);
    }

    @Test
    void messagesQuoteTheExpressionAsShortPrintableText() {
        assertThatThrownBy(() -> parse("A|\u0001" + "B".repeat(500)))
                .isInstanceOf(InvalidRSEExpression.class)
                .message()
                .startsWith("Invalid RSE expression 'A|?BBB")
                .contains("...'")
                .matches("[\\x20-\\x7e]{1,300}");
    }
}
