package org.stevedore.web.config.transfer;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.catalog.daemon.Backoff;
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.daemon.Instances;
import org.stevedore.catalog.replica.ReplicaAvailability;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.LockOutcomes;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.transfer.archive.ArchiveWorker;
import org.stevedore.transfer.archive.TapeArchives;
import org.stevedore.transfer.conveyor.Poller;
import org.stevedore.transfer.conveyor.Submitter;
import org.stevedore.transfer.conveyor.TransferTools;
import org.stevedore.transfer.fts.Fts3Auth;
import org.stevedore.transfer.fts.Fts3Clients;
import org.stevedore.transfer.fts.Fts3Config;
import org.stevedore.transfer.fts.TokenFile;
import org.stevedore.transfer.fts.X509CredentialFiles;
import org.stevedore.transfer.local.LocalCopier;
import org.stevedore.transfer.local.LocalTransferTool;
import org.stevedore.transfer.local.TapeSources;
import org.stevedore.transfer.reaper.Reaper;
import org.stevedore.transfer.storage.StorageProtocols;
import org.stevedore.transfer.storage.WebDavSettings;
import org.stevedore.transfer.store.ArchiveStore;
import org.stevedore.transfer.store.ReaperStore;
import org.stevedore.transfer.store.RequestClaims;
import org.stevedore.transfer.store.RequestOutcomes;
import org.stevedore.transfer.store.RequestStore;
import org.stevedore.transfer.store.RetryPolicy;
import org.stevedore.web.config.DaemonConfig.DaemonLifecycle;
import org.stevedore.web.config.auth.X509Config.X509Paths;

/**
 * The transfer agent: requests, the transfer tools, the conveyor's submitter and poller, and the reaper. The local
 * tool serves RSEs without an {@code fts} attribute; an RSE's {@code fts} URL gets an FTS3 client made from
 * {@link TransferProperties} on first use.
 */
@Configuration(proxyBeanMethods = false)
public class TransferConfig {

    private static final Logger log = LoggerFactory.getLogger(TransferConfig.class);

    @Bean
    RequestStore requestStore(Store store) {
        return new RequestStore(store);
    }

    @Bean
    RequestClaims requestClaims(Store store, Clock clock) {
        return new RequestClaims(store, clock);
    }

    /** Announces replicas made AVAILABLE on {@code availability} after each commit (the bridge's release worker). */
    @Bean
    RequestOutcomes requestOutcomes(Store store, Clock clock, RuleStore rules, ReplicaAvailability availability,
                                    ObjectProvider<TapeEndpoints> tapeEndpoints, ArchiveConfirmationProperties archive) {
        TapeArchives archives = archives(tapeEndpoints, archive);
        return new RequestOutcomes(store, clock, new LockOutcomes(rules), availability, archives::confirms);
    }

    /** The tape systems asked to confirm copies to TAPE RSEs ({@link TapeArchives#NONE}: none, or switched off). */
    private static TapeArchives archives(ObjectProvider<TapeEndpoints> tapeEndpoints,
                                         ArchiveConfirmationProperties archive) {
        TapeEndpoints endpoints = tapeEndpoints.getIfAvailable();
        return endpoints == null || !archive.enabled() ? TapeArchives.NONE : new TapeEndpointArchives(endpoints);
    }

    /** Copies to a TAPE RSE are DONE once its tape system confirms them on tape (archiveinfo). */
    @Bean
    DaemonLifecycle archiveDaemon(Store store, RequestOutcomes outcomes, ObjectProvider<TapeEndpoints> tapeEndpoints,
                                  ArchiveConfirmationProperties archive, TransferProperties properties,
                                  HeartbeatStore heartbeats) {
        RetryPolicy retry = new RetryPolicy(properties.maxRetries(), RetryPolicy.defaults().firstDelay(),
                RetryPolicy.defaults().maxDelay());
        return new DaemonLifecycle(List.of(new Daemon(List.of(new ArchiveWorker(new ArchiveStore(store), outcomes,
                archives(tapeEndpoints, archive), retry, archive.batch())), heartbeats, DaemonSettings.defaults()
                .withIdleSleep(archive.poll()).withStopTimeout(Duration.ofSeconds(5)))));
    }

    @Bean(destroyMethod = "close")
    LocalCopier localCopier(TransferProperties properties) {
        return new LocalCopier(properties.localCopierThreads());
    }

    /** The client settings and identity every FTS server gets. Credentials are read now, so bad files stop start-up. */
    @Bean
    Fts3Clients fts3Clients(TransferProperties properties, X509Paths x509, Clock clock) {
        TransferProperties.Fts fts = properties.fts();
        Path caDirectory = fts.caDirectory() != null ? fts.caDirectory() : x509.caDirectory();
        // The endpoint is replaced by each RSE's fts URL; this one only fills the template.
        Fts3Config template = Fts3Config.defaults(URI.create("https://fts.invalid:8446"))
                .withMaxFilesPerJob(fts.filesPerJob())
                .withMaxJobsPerQuery(fts.jobsPerQuery())
                .withRetry(fts.maxAttempts(), new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)))
                .withTimeouts(fts.connectTimeout(), fts.readTimeout())
                .withDelegation(fts.delegationRenewBefore(), fts.delegationLifetime())
                .withJobDefaults(fts.maxTimeInQueue(), fts.issuer());
        Fts3Auth auth = auth(fts, clock);
        log.info("FTS servers named by RSEs will be used as {}, trusting the CAs in {}, {} files per job",
                auth == null ? "nobody (no credentials configured: their transfers wait)" : describe(auth),
                caDirectory.toAbsolutePath(), fts.filesPerJob());
        return new Fts3Clients(template, auth, caDirectory, clock, "set " + TransferProperties.PREFIX
                + ".fts.proxy, or .fts.certificate and .fts.private-key, or .fts.token or .fts.token-file");
    }

    /** Files are read again when they change (a renewed proxy, a refreshed token): see X509CredentialFiles. */
    private static Fts3Auth auth(TransferProperties.Fts fts, Clock clock) {
        String property = TransferProperties.PREFIX + (fts.proxy() != null ? ".fts.proxy"
                : fts.certificate() != null ? ".fts.certificate" : ".fts.token-file");
        Duration recheck = fts.credentialRecheck();
        try {
            if (fts.proxy() != null) {
                return new Fts3Auth.X509(X509CredentialFiles.proxy(fts.proxy(), clock, recheck));
            }
            if (fts.certificate() != null) {
                return new Fts3Auth.X509(new X509CredentialFiles(fts.certificate(), fts.privateKey(), clock,
                        recheck));
            }
            if (fts.tokenFile() != null) {
                return new Fts3Auth.BearerToken(new TokenFile(fts.tokenFile(), clock, recheck));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + ": " + e.getMessage(), e);
        }
        return fts.token() == null ? null : new Fts3Auth.BearerToken(fts.token());
    }

    private static String describe(Fts3Auth auth) {
        return auth instanceof Fts3Auth.X509 x509 ? x509.credential().toString() : "the configured bearer token";
    }

    @Bean(destroyMethod = "close")
    TransferTools transferTools(LocalCopier copier, Fts3Clients fts, ObjectProvider<TapeEndpoints> tapeEndpoints,
                                RseProtocolStore protocols, Instances instances) {
        // Copies from a TAPE RSE with a tape endpoint stage, wait, copy from the buffer and release, as FTS's do.
        TapeEndpoints endpoints = tapeEndpoints.getIfAvailable();
        TapeSources tapes = endpoints == null ? TapeSources.NONE : new TapeEndpointSources(endpoints, protocols);
        return new TransferTools(Map.of(LocalTransferTool.HOST, new LocalTransferTool(copier, tapes,
                        instances.self().key())),
                LocalTransferTool.HOST, fts::create);
    }

    @Bean(destroyMethod = "close")
    StorageProtocols storageProtocols() {
        return StorageProtocols.standard(WebDavSettings.defaults());
    }

    @Bean
    DaemonLifecycle reaperDaemon(Store store, Clock clock, RseProtocolStore protocols, StorageProtocols storage,
                                 HeartbeatStore heartbeats) {
        return new DaemonLifecycle(List.of(new Daemon(List.of(new Reaper(new ReaperStore(store, clock), protocols,
                storage, 500)), heartbeats, DaemonSettings.defaults().withIdleSleep(Duration.ofSeconds(30))
                .withStopTimeout(Duration.ofSeconds(5)))));
    }

    @Bean
    DaemonLifecycle conveyorDaemons(RequestClaims claims, RequestOutcomes outcomes, RseStore rses,
                                    RseProtocolStore protocols, TransferTools tools, RseExpressionResolver resolver,
                                    HeartbeatStore heartbeats, TransferProperties properties,
                                    Instances instances) {
        DaemonSettings settings = DaemonSettings.defaults().withIdleSleep(properties.conveyorIdleSleep())
                .withStopTimeout(Duration.ofSeconds(5));
        return new DaemonLifecycle(List.of(
                new Daemon(List.of(new Submitter(claims, rses, protocols, tools, resolver::resolve,
                        properties.submitterBatch(), Submitter.DEFAULT_TAPE_STAGING, properties.requeueDelay(),
                        instances)),
                        heartbeats, settings),
                new Daemon(List.of(new Poller(outcomes, tools, new RetryPolicy(properties.maxRetries(),
                        RetryPolicy.defaults().firstDelay(), RetryPolicy.defaults().maxDelay()),
                        properties.pollerBatch(), instances)),
                        heartbeats, settings)));
    }
}
