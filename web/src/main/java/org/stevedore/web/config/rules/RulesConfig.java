package org.stevedore.web.config.rules;

import java.time.Clock;
import java.util.random.RandomGenerator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.rules.evaluation.RuleMaintenance;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.rules.store.TransferQueue;
import org.stevedore.transfer.store.RequestQueue;
import org.stevedore.web.config.StevedoreProperties;

/** The rules engine. */
@Configuration(proxyBeanMethods = false)
public class RulesConfig {

    @Bean
    RseExpressionResolver rseExpressionResolver(RseStore rses) {
        return new RseExpressionResolver(rses);
    }

    @Bean
    RuleStore ruleStore(Store store, Clock clock, TransferQueue transfers) {
        return new RuleStore(store, clock, transfers);
    }

    /** The rules engine's transfers, kept by the transfer agent. */
    @Bean
    TransferQueue transferQueue() {
        return new RequestQueue();
    }

    @Bean
    RuleQueries ruleQueries(Store store) {
        return new RuleQueries(store);
    }

    @Bean
    RuleInputs ruleInputs(Store store) {
        return new RuleInputs(store);
    }

    @Bean
    AccountLimitStore accountLimitStore(Store store) {
        return new AccountLimitStore(store);
    }

    @Bean
    Events events(Store store, Clock clock) {
        return new Events(store, clock);
    }

    @Bean
    RuleService ruleService(DidStore dids, RuleStore rules, RuleInputs inputs, RseStore rses, AccountStore accounts,
                            AccountLimitStore limits, RseExpressionResolver resolver, Clock clock, StevedoreProperties properties) {
        StevedoreProperties.Rules settings = properties.rules();
        return new RuleService(dids, rules, inputs, rses, accounts, limits, resolver::resolve, clock,
                new RuleService.Settings(settings.injectThreshold(), settings.suspendAfter()),
                RandomGenerator.getDefault());
    }

    @Bean
    RuleMaintenance ruleMaintenance(RuleStore rules, RuleInputs inputs, RseStore rses, AccountLimitStore limits,
                                    RseExpressionResolver resolver, Clock clock, RuleService service) {
        return new RuleMaintenance(rules, inputs, rses, limits, resolver::resolve, clock, service.settings(),
                RandomGenerator.getDefault());
    }
}
