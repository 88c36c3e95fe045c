package org.stevedore.web.config.auth;

import jakarta.validation.constraints.NotBlank;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The permission policy's per-deployment settings, under {@code stevedore.policy.*}.
 *
 * @param productionFqans FQANs that may add rules, campaigns and tasks on the VO's scopes, e.g.
 *                        {@code /bmn/Role=production}
 * @param voScopes        regular expression of the VO's scopes (as opposed to personal ones)
 * @param adminOnly       actions (Rucio names, e.g. {@code add_scope}) reserved to admin accounts beyond the defaults
 */
@Validated
@ConfigurationProperties("stevedore.policy")
public record PolicyProperties(
        @DefaultValue List<String> productionFqans,
        @DefaultValue("(?!user\\.).+") @NotBlank String voScopes,
        @DefaultValue List<String> adminOnly) {
}
