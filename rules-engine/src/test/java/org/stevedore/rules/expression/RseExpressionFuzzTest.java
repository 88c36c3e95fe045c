package org.stevedore.rules.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.stevedore.rules.error.InvalidRSEExpression;

/** Random expressions, well-formed and not: each either resolves or is refused as invalid, nothing else. */
class RseExpressionFuzzTest {

    private static final List<String> PRIMITIVES = List.of(
            "IT_DISK", "FR_DISK", "NOWHERE", "*", "type=DISK", "cloud=IT", "cloud=FR", "tier<2", "tier>1",
            "tier=1", "freespace>1e3", "istape=false", "site=KIT/x:y");
    private static final List<String> OPERATORS = List.of("|", "&", "\\");
    /** Tokens and characters that break expressions, to reach the corners of tokenizer and parser. */
    private static final List<String> GARBAGE = List.of(
            "", " ", "\t", "\n", "=", "<", ">", "#", "'", "\"", "%", "\u00e9", "\u0000", "\u2028", "\ud83d",
            "\ud83d\ude00", "tier<", "tier<x", "=DISK", "a:b", "-", ".", ":", "/", "1e99999999999", "((((", "))))",
            "(", ")", "|", "&", "\\", "*", "()", "A".repeat(300));

    /**
     * Two in five expressions are well formed, two in five are well formed but for one random edit, one in five is
     * a soup of fragments: so that both the refusals and the evaluation are exercised a few thousand times.
     */
    static String randomExpression(Random random) {
        int kind = random.nextInt(5);
        if (kind < 2) {
            return wellFormed(random, 0);
        }
        if (kind < 4) {
            return edited(wellFormed(random, 0), random);
        }
        StringBuilder soup = new StringBuilder();
        for (int parts = 1 + random.nextInt(10); parts > 0; parts--) {
            soup.append(random.nextBoolean() ? pick(GARBAGE, random) : pick(PRIMITIVES, random));
        }
        return soup.toString();
    }

    static String wellFormed(Random random, int depth) {
        StringBuilder b = new StringBuilder(term(random, depth));
        for (int terms = random.nextInt(4); terms > 0; terms--) {
            b.append(pick(OPERATORS, random)).append(term(random, depth));
        }
        return b.toString();
    }

    private static String term(Random random, int depth) {
        return depth < 3 && random.nextInt(4) == 0 ? "(" + wellFormed(random, depth + 1) + ")"
                : pick(PRIMITIVES, random);
    }

    private static String edited(String expression, Random random) {
        int at = random.nextInt(expression.length() + 1);
        return switch (random.nextInt(3)) {
            case 0 -> expression.substring(0, at) + pick(GARBAGE, random) + expression.substring(at);
            case 1 -> at == expression.length() ? expression.substring(0, at - 1)
                    : expression.substring(0, at) + expression.substring(at + 1);
            default -> expression.substring(0, at) + pick(OPERATORS, random) + expression.substring(at);
        };
    }

    private static String pick(List<String> options, Random random) {
        return options.get(random.nextInt(options.size()));
    }

    @Test
    void randomExpressionsEitherResolveOrAreRefusedAsInvalid() {
        Random random = new Random(20260301L);
        int resolved = 0;
        int refused = 0;
        for (int i = 0; i < 5_000; i++) {
            String expression = randomExpression(random);
            try {
                RseSnapshotTest.SITES.select(RseExpressionParser.parse(expression));
                resolved++;
            } catch (InvalidRSEExpression expected) {
                assertThat(expected.getMessage()).as(expression).matches("[\\x20-\\x7e]+");
                refused++;
            } catch (RuntimeException | StackOverflowError e) {
                fail("Expression '" + expression + "' failed with " + e, e);
            }
        }
        // Both paths must really be exercised, or the test proves nothing.
        assertThat(resolved).isGreaterThan(1_000);
        assertThat(refused).isGreaterThan(1_000);
    }
}
