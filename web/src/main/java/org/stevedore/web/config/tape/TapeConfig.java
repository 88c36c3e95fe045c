package org.stevedore.web.config.tape;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.time.Sleeper;
import org.stevedore.grid.TrustAnchors;
import org.stevedore.grid.X509Credentials;
import org.stevedore.grid.X509SslContexts;
import org.stevedore.tape.campaign.CampaignDeadlines;
import org.stevedore.tape.campaign.CampaignPins;
import org.stevedore.tape.campaign.CampaignService;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.pin.PinReleaser;
import org.stevedore.tape.rest.TapeRestClients;
import org.stevedore.tape.rest.TapeRestSettings;
import org.stevedore.tape.store.CampaignStore;
import org.stevedore.tape.store.PinStore;
import org.stevedore.web.config.DaemonConfig.DaemonLifecycle;
import org.stevedore.web.config.auth.X509Config.X509Paths;

/**
 * Tape beyond the campaigns: the Tape REST clients of RSEs naming an endpoint in their {@code tape_rest} attribute
 * (one identity for all, from {@link TapeProperties}), the pins of staged replicas with their releaser, and the
 * backstop enforcing campaign deadlines. The endpoints by RSE themselves are made in {@link CampaignConfig}, next to
 * the emulated LOCAL_TAPE.
 */
@Configuration(proxyBeanMethods = false)
public class TapeConfig {

    private static final Logger log = LoggerFactory.getLogger(TapeConfig.class);

    /** The client settings and identity every Tape REST endpoint gets. Credential files are read now: bad ones stop start-up. */
    @Bean
    TapeRestClients tapeRestClients(TapeProperties properties, X509Paths x509) {
        TapeProperties.Rest rest = properties.rest();
        Path caDirectory = rest.caDirectory() != null ? rest.caDirectory() : x509.caDirectory();
        X509Credentials credentials = credentials(rest);
        TrustAnchors trust = TrustAnchors.directory(caDirectory);
        if (credentials != null) {
            try {
                X509SslContexts.create(credentials, trust);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(TapeProperties.PREFIX + ".rest."
                        + (rest.proxy() != null ? "proxy" : "certificate") + ": " + e.getMessage(), e);
            }
        }
        // The root is replaced by each RSE's tape_rest URL; this one only fills the template.
        TapeRestSettings template = TapeRestSettings.defaults(URI.create("https://tape.invalid"))
                .withMaxFilesPerRequest(rest.maxFilesPerRequest())
                .withRetries(rest.maxAttempts(), Duration.ofSeconds(2), Duration.ofSeconds(60))
                .withTimeouts(rest.connectTimeout(), rest.socketTimeout())
                .withMaxConnections(rest.maxConnections())
                .withX509(credentials, trust)
                .withToken(rest.token());
        log.info("Tape REST endpoints named by RSEs will be used {}, trusting the CAs in {}",
                !template.hasIdentity() ? "by nobody (no credentials configured: their staging waits)"
                        : "with " + (credentials != null ? credentials.certificate() : "")
                        + (credentials != null && rest.token() != null ? " and " : "")
                        + (rest.token() != null ? "the configured bearer token" : ""),
                caDirectory.toAbsolutePath());
        return new TapeRestClients(template, Sleeper.real(), "set " + TapeProperties.PREFIX
                + ".rest.proxy, or .rest.certificate and .rest.private-key, or .rest.token");
    }

    private static X509Credentials credentials(TapeProperties.Rest rest) {
        if (rest.proxy() != null) {
            return X509Credentials.proxy(rest.proxy());
        }
        if (rest.certificate() != null) {
            if (rest.privateKey() == null) {
                throw new IllegalStateException(TapeProperties.PREFIX + ".rest.private-key is needed with "
                        + TapeProperties.PREFIX + ".rest.certificate");
            }
            return new X509Credentials(rest.certificate(), rest.privateKey());
        }
        return null;
    }

    @Bean
    PinStore pinStore(Store store, Clock clock) {
        return new PinStore(store, clock);
    }

    /** Pins what campaigns stage, held for their pin lifetime. */
    @Bean
    CampaignPins campaignPins(PinStore pins, CampaignStore campaigns, TapeProperties properties, Clock clock) {
        return new CampaignPins(pins, campaigns, properties.pins().maxLifetime(), clock);
    }

    /** Releases pins at their tape endpoints once neither a rule nor a campaign needs them. */
    @Bean
    @ConditionalOnProperty(name = "stevedore.tape.pins.releaser", matchIfMissing = true)
    DaemonLifecycle pinReleaserDaemon(PinStore pins, TapeEndpoints endpoints, HeartbeatStore heartbeats,
                                      TapeProperties properties) {
        TapeProperties.Pins p = properties.pins();
        return new DaemonLifecycle(List.of(new Daemon(List.of(new PinReleaser(pins, endpoints, p.batchSize())),
                heartbeats, DaemonSettings.defaults().withIdleSleep(p.idleSleep())
                        .withStopTimeout(Duration.ofSeconds(5)))));
    }

    /** Ends campaigns whose deadline passed while no job ran them (paused, waiting to resume). */
    @Bean
    @ConditionalOnProperty(name = "stevedore.tape.deadlines.enabled", matchIfMissing = true)
    DaemonLifecycle campaignDeadlineDaemon(CampaignStore campaigns, CampaignService service, HeartbeatStore heartbeats,
                                           TapeProperties properties) {
        return new DaemonLifecycle(List.of(new Daemon(List.of(new CampaignDeadlines(campaigns, service, 100)),
                heartbeats, DaemonSettings.defaults().withIdleSleep(properties.deadlines().interval())
                        .withStopTimeout(Duration.ofSeconds(5)))));
    }
}
