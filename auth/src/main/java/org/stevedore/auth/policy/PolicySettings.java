package org.stevedore.auth.policy;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a deployment may change in the default policy.
 *
 * @param productionFqans FQANs whose holders may add rules, campaigns and tasks on the VO's scopes, e.g.
 *                        {@code /bmn/Role=production}; compared after dropping {@code /Role=NULL/Capability=NULL}
 * @param voScopes        which scopes are the VO's (rather than personal); default every scope not starting with
 *                        {@code user.}, Rucio's convention for personal scopes
 * @param adminOnly       actions reserved to admin accounts whatever the table says
 */
public record PolicySettings(Set<String> productionFqans, Pattern voScopes, Set<Action> adminOnly) {

    public static final Pattern DEFAULT_VO_SCOPES = Pattern.compile("(?!user\\.).+");

    public PolicySettings {
        productionFqans = Set.copyOf(productionFqans);
        Objects.requireNonNull(voScopes, "voScopes");
        adminOnly = Set.copyOf(adminOnly);
    }

    public static PolicySettings defaults() {
        return new PolicySettings(Set.of(), DEFAULT_VO_SCOPES, Set.of());
    }
}
