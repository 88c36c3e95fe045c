package org.stevedore.web.rse;

import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.stevedore.catalog.error.InvalidRSEExpression;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.rse.RseWithAttributes;

/**
 * Which RSEs {@code GET /rses/?expression=} lists. Until the rules engine brings the full grammar this resolves the
 * primitives only: {@code *}, a bare RSE name (its {@code NAME=true} attribute) and {@code key=value}; anything else is
 * refused as an invalid expression, never guessed at.
 */
@Component
public class RseSelector {

    private final RseStore rses;

    public RseSelector(RseStore rses) {
        this.rses = rses;
    }

    public List<Rse> select(String expression) {
        if (expression == null || expression.isBlank() || expression.trim().equals("*")) {
            return rses.list();
        }
        String e = expression.trim();
        String key;
        String value;
        int eq = e.indexOf('=');
        if (eq < 0) {
            key = e;
            value = "true";
        } else {
            key = e.substring(0, eq);
            value = e.substring(eq + 1);
        }
        if (!key.matches("[A-Za-z0-9_.-]+") || !value.matches("[A-Za-z0-9_.:/-]+")) {
            throw new InvalidRSEExpression("RSE expression '" + e + "' is not supported yet: use '*', an RSE name or key=value");
        }
        List<Rse> selected = rses.listWithAttributes().stream()
                .filter(r -> matches(r.attributes(), key, value))
                .map(RseWithAttributes::rse)
                .toList();
        if (selected.isEmpty()) {
            throw new InvalidRSEExpression("RSE expression '" + e + "' selects no RSE");
        }
        return selected;
    }

    /** Attribute values compare as text, since the stock client sends every value as a string. */
    private static boolean matches(Map<String, Object> attributes, String key, String value) {
        Object v = attributes.get(key);
        return v != null && String.valueOf(v).equalsIgnoreCase(value);
    }
}
