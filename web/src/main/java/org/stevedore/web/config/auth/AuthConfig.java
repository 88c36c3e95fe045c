package org.stevedore.web.config.auth;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.stevedore.auth.password.PasswordHasher;
import org.stevedore.auth.session.AuthService;
import org.stevedore.auth.session.AuthSettings;
import org.stevedore.auth.session.RootBootstrap;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.IdentityStore;
import org.stevedore.catalog.account.TokenStore;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.web.auth.PlainHttpPasswords;
import org.stevedore.web.auth.TokenAuthenticationFilter;
import org.stevedore.web.config.StevedoreProperties;

/** Accounts, sessions, and the root account of a fresh store. */
@Configuration(proxyBeanMethods = false)
public class AuthConfig {

    private static final Logger log = LoggerFactory.getLogger(AuthConfig.class);

    @Bean
    AccountStore accountStore(Store store, Clock clock) {
        return new AccountStore(store, clock);
    }

    @Bean
    ScopeStore scopeStore(Store store, Clock clock) {
        return new ScopeStore(store, clock);
    }

    @Bean
    IdentityStore identityStore(Store store, Clock clock) {
        return new IdentityStore(store, clock);
    }

    @Bean
    TokenStore tokenStore(Store store, Clock clock) {
        return new TokenStore(store, clock);
    }

    @Bean
    PasswordHasher passwordHasher() {
        return new PasswordHasher();
    }

    @Bean
    SecureRandom secureRandom() {
        return new SecureRandom();
    }

    @Bean
    AuthService authService(AccountStore accounts, IdentityStore identities, TokenStore tokens, PasswordHasher hasher,
                            SecureRandom random, Clock clock, StevedoreProperties properties) {
        AuthSettings settings = new AuthSettings(properties.auth().tokenLifetime());
        return new AuthService(accounts, identities, tokens, hasher, clock, settings, random);
    }

    @Bean
    PlainHttpPasswords plainHttpPasswords(StevedoreProperties properties) {
        return new PlainHttpPasswords(properties.auth().userpassOverPlainHttp());
    }

    @Bean
    FilterRegistrationBean<TokenAuthenticationFilter> tokenAuthenticationFilter(AuthService auth) {
        FilterRegistrationBean<TokenAuthenticationFilter> bean = new FilterRegistrationBean<>(new TokenAuthenticationFilter(auth));
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return bean;
    }

    /**
     * On a store without a root account, creates it and writes its generated password to an owner-only file. Runs
     * before the web server opens, so no request meets a store without root.
     */
    @Bean
    SmartInitializingSingleton rootBootstrap(AccountStore accounts, IdentityStore identities, PasswordHasher hasher,
                                    SecureRandom random, StevedoreProperties properties) {
        return () -> {
            Path file = properties.auth().rootPasswordFile() != null
                    ? properties.auth().rootPasswordFile()
                    : properties.dataDir().resolve("root-password");
            new RootBootstrap(accounts, identities, hasher, random).bootstrap(file).ifPresentOrElse(
                    p -> log.info("Created account 'root'; its password is in {} (readable by this user only)",
                            p.toAbsolutePath()),
                    () -> log.info("Account 'root' exists; its first-start password file is {}", file.toAbsolutePath()));
        };
    }
}
