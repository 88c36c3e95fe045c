package org.stevedore.web.config.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.stevedore.web.config.rules.UndertakerProperties;

/**
 * Binding and validation of {@code stevedore.transfer.*}, in a context holding only the properties (no store):
 * defaults, environment variables, and refusals whose message names the property.
 */
class TransferPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(TransferProperties.class)
    static class OnlyTheProperties {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(OnlyTheProperties.class);

    @TempDir
    Path tmp;

    private static String failure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        StringBuilder messages = new StringBuilder();
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    private Path file(String name) throws IOException {
        return Files.writeString(tmp.resolve(name), "-----BEGIN CERTIFICATE-----\n");
    }

    @Test
    void defaultsAreRucioAndFtsFriendlyAndNoCredentialsMeansNone() {
        runner.run(context -> {
            TransferProperties p = context.getBean(TransferProperties.class);
            assertThat(p.maxRetries()).isEqualTo(3);
            assertThat(p.fts().filesPerJob()).isEqualTo(200);
            assertThat(p.fts().delegationLifetime()).isEqualTo(Duration.ofHours(12));
            assertThat(p.fts().hasX509()).isFalse();
            assertThat(p.fts().token()).isNull();
        });
    }

    @Test
    void environmentVariablesOverrideEverySetting() {
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                Map.of("STEVEDORE_TRANSFER_FTS_FILES_PER_JOB", "50",
                                        "STEVEDORE_TRANSFER_MAX_RETRIES", "5",
                                        "STEVEDORE_TRANSFER_FTS_TOKEN", "eyJ.test",
                                        "STEVEDORE_TRANSFER_FTS_READ_TIMEOUT", "2m"))))
                .run(context -> {
                    TransferProperties p = context.getBean(TransferProperties.class);
                    assertThat(p.fts().filesPerJob()).isEqualTo(50);
                    assertThat(p.maxRetries()).isEqualTo(5);
                    assertThat(p.fts().token()).isEqualTo("eyJ.test");
                    assertThat(p.fts().readTimeout()).isEqualTo(Duration.ofMinutes(2));
                    assertThat(p.fts().toString()).doesNotContain("eyJ.test");
                });
    }

    @Test
    void outOfRangeNumbersAreRefusedNamingTheProperty() {
        runner.withPropertyValues("stevedore.transfer.fts.files-per-job=0", "stevedore.transfer.max-retries=-1")
                .run(context -> assertThat(failure(context)).contains("stevedore.transfer")
                        .contains("fts.filesPerJob").contains("maxRetries")
                        .contains("must be greater than or equal to"));
    }

    @Test
    void aProxyAndACertificateTogetherAreRefused() throws IOException {
        Path proxy = file("x509up");
        Path cert = file("cert.pem");
        Path key = file("key.pem");
        runner.withPropertyValues("stevedore.transfer.fts.proxy=" + proxy, "stevedore.transfer.fts.certificate=" + cert,
                        "stevedore.transfer.fts.private-key=" + key)
                .run(context -> assertThat(failure(context))
                        .contains("stevedore.transfer.fts.proxy cannot be combined with stevedore.transfer.fts.certificate"));
    }

    @Test
    void aCertificateWithoutItsKeyIsRefused() throws IOException {
        Path cert = file("cert.pem");
        runner.withPropertyValues("stevedore.transfer.fts.certificate=" + cert)
                .run(context -> assertThat(failure(context))
                        .contains("stevedore.transfer.fts.private-key is needed with stevedore.transfer.fts.certificate"));
    }

    @Test
    void aTokenNextToAnX509CredentialIsRefused() throws IOException {
        Path proxy = file("x509up");
        runner.withPropertyValues("stevedore.transfer.fts.proxy=" + proxy, "stevedore.transfer.fts.token=abc")
                .run(context -> assertThat(failure(context))
                        .contains("stevedore.transfer.fts.token cannot be combined with an X509 credential"));
    }

    @Test
    void aTokenFileNextToATokenIsRefusedAndAMissingOneNamed() throws IOException {
        Path token = Files.writeString(tmp.resolve("token"), "jwt");
        runner.withPropertyValues("stevedore.transfer.fts.token-file=" + token, "stevedore.transfer.fts.token=abc")
                .run(context -> assertThat(failure(context))
                        .contains("stevedore.transfer.fts.token-file cannot be combined with stevedore.transfer.fts.token"));
        Path nowhere = tmp.resolve("no-token");
        runner.withPropertyValues("stevedore.transfer.fts.token-file=" + nowhere)
                .run(context -> assertThat(failure(context))
                        .contains("stevedore.transfer.fts.token-file: no readable file at " + nowhere));
    }

    @Test
    void missingFilesAndDirectoriesAreRefusedNamingTheProperty() {
        Path nowhere = tmp.resolve("nowhere");
        runner.withPropertyValues("stevedore.transfer.fts.proxy=" + nowhere,
                        "stevedore.transfer.fts.ca-directory=" + nowhere)
                .run(context -> assertThat(failure(context))
                        .contains("stevedore.transfer.fts.proxy: no readable file at " + nowhere)
                        .contains("stevedore.transfer.fts.ca-directory " + nowhere + " is not a directory"));
    }

    @Test
    void anUndertakerSleepingPastItsHeartbeatIsRefusedNamingTheProperty() {
        new ApplicationContextRunner().withUserConfiguration(OnlyTheUndertakerProperties.class)
                .withPropertyValues("stevedore.undertaker.idle-sleep=60s")
                .run(context -> assertThat(failure(context))
                        .contains("stevedore.undertaker.idle-sleep must be positive and below"));
        new ApplicationContextRunner().withUserConfiguration(OnlyTheUndertakerProperties.class)
                .run(context -> assertThat(context.getBean(UndertakerProperties.class).batchSize()).isEqualTo(100));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(UndertakerProperties.class)
    static class OnlyTheUndertakerProperties {
    }

    @Test
    void delegationTimesThatFtsWouldRefuseAreRefused() {
        runner.withPropertyValues("stevedore.transfer.fts.delegation-renew-before=30m")
                .run(context -> assertThat(failure(context))
                        .contains("stevedore.transfer.fts.delegation-renew-before must exceed 1h"));
        runner.withPropertyValues("stevedore.transfer.fts.delegation-lifetime=2h")
                .run(context -> assertThat(failure(context))
                        .contains("stevedore.transfer.fts.delegation-lifetime (PT2H) must exceed"));
        runner.withPropertyValues("stevedore.transfer.fts.max-time-in-queue=soon")
                .run(context -> assertThat(failure(context)).contains("maxTimeInQueue")
                        .contains("must be a number with an optional s, m, h or d suffix"));
        runner.withPropertyValues("stevedore.transfer.conveyor-idle-sleep=2m")
                .run(context -> assertThat(failure(context))
                        .contains("stevedore.transfer.conveyor-idle-sleep must be positive and below"));
        runner.withPropertyValues("stevedore.transfer.requeue-delay=-1s")
                .run(context -> assertThat(failure(context))
                        .contains("stevedore.transfer.requeue-delay must not be negative"));
        runner.withPropertyValues("stevedore.transfer.fts.read-timeout=0s")
                .run(context -> assertThat(failure(context))
                        .contains("stevedore.transfer.fts.read-timeout must be positive"));
    }
}
