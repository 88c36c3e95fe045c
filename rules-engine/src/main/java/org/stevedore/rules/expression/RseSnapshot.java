package org.stevedore.rules.expression;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;
import org.stevedore.catalog.rse.RseWithAttributes;
import org.stevedore.rules.expression.RseExpression.All;
import org.stevedore.rules.expression.RseExpression.BareName;
import org.stevedore.rules.expression.RseExpression.Binary;
import org.stevedore.rules.expression.RseExpression.Primitive;

/**
 * Every RSE with its attributes as of one catalog version, sorted by name, and the evaluation of expressions over
 * them: each primitive selects a set of positions in the list, and the operators are set operations on those sets.
 */
record RseSnapshot(String version, List<RseWithAttributes> rses) {

    RseSnapshot {
        rses = rses.stream().sorted(Comparator.comparing(r -> r.rse().rse())).toList();
    }

    /** The RSEs the expression selects, sorted by name. */
    List<RseWithAttributes> select(RseExpression expression) {
        BitSet selected = evaluate(expression);
        return selected.stream().mapToObj(rses::get).toList();
    }

    /**
     * Binary chains fold from the left, so their left spine can be as long as the expression; it is walked with a
     * loop, and recursion is left to right operands, whose depth the parser bounds by the nesting limit.
     */
    private BitSet evaluate(RseExpression expression) {
        Deque<Binary> spine = new ArrayDeque<>();
        RseExpression leftmost = expression;
        while (leftmost instanceof Binary binary) {
            spine.push(binary);
            leftmost = binary.left();
        }
        BitSet result = primitive(leftmost);
        while (!spine.isEmpty()) {
            Binary binary = spine.pop();
            BitSet right = evaluate(binary.right());
            switch (binary.op()) {
                case UNION -> result.or(right);
                case INTERSECTION -> result.and(right);
                case DIFFERENCE -> result.andNot(right);
            }
        }
        return result;
    }

    private BitSet primitive(RseExpression expression) {
        if (expression instanceof All) {
            return matching(r -> true);
        }
        if (expression instanceof BareName name) {
            return matching(r -> AttributeValues.equal(r.attributes().get(name.name()), "true"));
        }
        if (expression instanceof Primitive p) {
            return switch (p.op()) {
                case EQUALS -> matching(r -> AttributeValues.equal(r.attributes().get(p.key()), p.value()));
                case LESS_THAN -> compared(p, sign -> sign < 0);
                case GREATER_THAN -> compared(p, sign -> sign > 0);
            };
        }
        throw new IllegalStateException("Binary nodes are evaluated by evaluate(), not as primitives");
    }

    private BitSet compared(Primitive p, Predicate<Integer> wanted) {
        BigDecimal bound = AttributeValues.number(p.value());
        return matching(r -> {
            Integer sign = AttributeValues.compare(r.attributes().get(p.key()), bound);
            return sign != null && wanted.test(sign);
        });
    }

    private BitSet matching(Predicate<RseWithAttributes> test) {
        BitSet set = new BitSet(rses.size());
        for (int i = 0; i < rses.size(); i++) {
            if (test.test(rses.get(i))) {
                set.set(i);
            }
        }
        return set;
    }
}
