package org.stevedore.web.config.auth;

import jakarta.validation.constraints.NotBlank;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The permission policy's per-deployment settings, under {@code stevedore.policy.*}. */
@Validated
@ConfigurationProperties("stevedore.policy")
public class PolicyProperties {

    /** FQANs that may add rules, campaigns and tasks on the VO's scopes, e.g. {@code /bmn/Role=production}. */
    private List<String> productionFqans = new ArrayList<>();
    /** Regular expression of the VO's scopes (as opposed to personal ones). */
    @NotBlank
    private String voScopes = "(?!user\\.).+";
    /** Actions (Rucio names, e.g. {@code add_scope}) reserved to admin accounts beyond the defaults. */
    private List<String> adminOnly = new ArrayList<>();

    public List<String> getProductionFqans() {
        return productionFqans;
    }

    public void setProductionFqans(List<String> productionFqans) {
        this.productionFqans = productionFqans;
    }

    public String getVoScopes() {
        return voScopes;
    }

    public void setVoScopes(String voScopes) {
        this.voScopes = voScopes;
    }

    public List<String> getAdminOnly() {
        return adminOnly;
    }

    public void setAdminOnly(List<String> adminOnly) {
        this.adminOnly = adminOnly;
    }
}
