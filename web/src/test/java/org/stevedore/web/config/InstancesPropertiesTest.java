package org.stevedore.web.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Binding and bounds of {@code stevedore.instances.heartbeat-timeout}, in a context holding only the properties: the
 * default, the environment variable, and refusals (naming the property) of a timeout a sleeping worker would
 * outlive or one that would leave a dead instance's work waiting for hours.
 */
class InstancesPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(InstancesProperties.class)
    static class OnlyTheProperties {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(OnlyTheProperties.class);

    private static String failure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        StringBuilder messages = new StringBuilder();
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    @Test
    void theDefaultIsAMinute() {
        runner.run(context -> assertThat(context.getBean(InstancesProperties.class).heartbeatTimeout())
                .isEqualTo(Duration.ofSeconds(60)));
    }

    @Test
    void theEnvironmentVariableSetsIt() {
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                Map.of("STEVEDORE_INSTANCES_HEARTBEAT_TIMEOUT", "2m"))))
                .run(context -> assertThat(context.getBean(InstancesProperties.class).heartbeatTimeout())
                        .isEqualTo(Duration.ofMinutes(2)));
    }

    @Test
    void theBoundsAreKept() {
        runner.withPropertyValues("stevedore.instances.heartbeat-timeout=31s").run(context ->
                assertThat(context.getBean(InstancesProperties.class).heartbeatTimeout())
                        .isEqualTo(Duration.ofSeconds(31)));
        runner.withPropertyValues("stevedore.instances.heartbeat-timeout=1h").run(context ->
                assertThat(context).hasNotFailed());
        runner.withPropertyValues("stevedore.instances.heartbeat-timeout=30s").run(context ->
                assertThat(failure(context)).contains("stevedore.instances.heartbeat-timeout must be between 31s",
                        "got 30s"));
        runner.withPropertyValues("stevedore.instances.heartbeat-timeout=0s").run(context ->
                assertThat(failure(context)).contains("stevedore.instances.heartbeat-timeout", "got 0s"));
        runner.withPropertyValues("stevedore.instances.heartbeat-timeout=61m").run(context ->
                assertThat(failure(context)).contains("stevedore.instances.heartbeat-timeout", "and 3600s",
                        "got 3660s"));
    }
}
