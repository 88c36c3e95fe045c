package org.stevedore.rules.expression;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.rse.RseWithAttributes;
import org.stevedore.rules.error.InvalidRSEExpression;

/**
 * Resolves RSE expressions to RSEs, with caches that are never stale.
 *
 * <p>Rucio caches resolutions for up to 600 s, so a new attribute or a deleted RSE can be ignored, or chosen, for ten
 * minutes. Here every write to RSEs, their settings or their attributes increments the RSE catalog version in the
 * same transaction ({@link RseStore#catalogVersion()}), and each resolution starts by reading it: one small read. The
 * RSEs with their attributes (one query) and each expression's result are cached under the version they were read
 * at, and used only while it is still current. Because the version lives in the graph, this holds across several
 * Stevedore instances sharing one Neo4j, which an in-process "RSEs changed" notification would not; it also needs
 * nobody to remember to call an invalidation hook. The version is read before the RSEs, so a snapshot is at least as
 * new as its version: a write in between only costs one extra reload.
 *
 * <p>Parsed expressions are cached too (they never go stale); refused ones are not, so garbage cannot fill the cache.
 */
public final class RseExpressionResolver {

    /** Distinct expressions kept per cache; beyond that Caffeine evicts the least useful. */
    public static final long DEFAULT_MAXIMUM_CACHED_EXPRESSIONS = 10_000;

    private record Resolved(String version, List<RseWithAttributes> rses) {
    }

    private final RseStore rses;
    private final Cache<String, RseExpression> parsed;
    private final Cache<String, Resolved> resolved;
    private final AtomicReference<RseSnapshot> snapshot = new AtomicReference<>();

    public RseExpressionResolver(RseStore rses) {
        this(rses, DEFAULT_MAXIMUM_CACHED_EXPRESSIONS);
    }

    public RseExpressionResolver(RseStore rses, long maximumCachedExpressions) {
        this.rses = rses;
        this.parsed = Caffeine.newBuilder().maximumSize(maximumCachedExpressions).build();
        this.resolved = Caffeine.newBuilder().maximumSize(maximumCachedExpressions).build();
    }

    /** The expression's syntax tree, or InvalidRSEExpression saying where and why it does not parse. No store read. */
    public RseExpression parse(String expression) {
        if (expression == null) {
            return RseExpressionParser.parse(null);
        }
        return parsed.get(expression, RseExpressionParser::parse);
    }

    /**
     * The RSEs the expression selects, sorted by name; InvalidRSEExpression when it does not parse or selects none.
     * Availability is not considered: choosing among the RSEs is the caller's business.
     */
    public List<Rse> resolve(String expression) {
        return resolveWithAttributes(expression).stream().map(RseWithAttributes::rse).toList();
    }

    /** As {@link #resolve(String)}, with each RSE's attributes (rule creation reads its weight attribute from them). */
    public List<RseWithAttributes> resolveWithAttributes(String expression) {
        RseExpression tree = parse(expression);
        String version = rses.catalogVersion();
        Resolved cached = resolved.getIfPresent(expression);
        List<RseWithAttributes> selected;
        if (cached != null && cached.version().equals(version)) {
            selected = cached.rses();
        } else {
            selected = snapshot(version).select(tree);
            resolved.put(expression, new Resolved(version, selected));
        }
        if (selected.isEmpty()) {
            throw new InvalidRSEExpression("RSE expression '" + RseExpressionSyntax.abbreviate(expression, 100)
                    + "' selects no RSE");
        }
        return selected;
    }

    private RseSnapshot snapshot(String version) {
        RseSnapshot current = snapshot.get();
        if (current != null && current.version().equals(version)) {
            return current;
        }
        RseSnapshot loaded = new RseSnapshot(version, rses.listWithAttributes());
        snapshot.set(loaded);
        return loaded;
    }
}
