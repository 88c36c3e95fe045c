package org.stevedore.web.config.auth;

import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.PermissionPolicy;
import org.stevedore.auth.policy.PolicySettings;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.scope.Scope;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.web.auth.Permissions;

/** The permission policy with this deployment's settings, and the controllers' entry to it. */
@Configuration(proxyBeanMethods = false)
public class PolicyConfig {

    @Bean
    PermissionPolicy permissionPolicy(PolicyProperties properties, ScopeStore scopes) {
        PolicySettings settings = new PolicySettings(
                Set.copyOf(properties.productionFqans()),
                Pattern.compile(properties.voScopes()),
                properties.adminOnly().stream().map(Action::parse).collect(Collectors.toSet()));
        return new PermissionPolicy(settings, scope -> scopes.find(scope).map(Scope::account));
    }

    @Bean
    Permissions permissions(PermissionPolicy policy, AccountStore accounts) {
        return new Permissions(policy, accounts);
    }
}
