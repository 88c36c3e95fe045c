package org.stevedore.web.config.tape;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.launch.JobLauncher;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.stevedore.bridge.store.TaskFileDemand;
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.daemon.Instances;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.rse.RseDistanceStore;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.time.Sleeper;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.tape.campaign.BatchRepositories;
import org.stevedore.tape.campaign.CampaignCopies;
import org.stevedore.tape.campaign.CampaignJobs;
import org.stevedore.tape.campaign.CampaignPins;
import org.stevedore.tape.campaign.CampaignResumer;
import org.stevedore.tape.campaign.CampaignService;
import org.stevedore.tape.campaign.CampaignSettings;
import org.stevedore.tape.campaign.LocalTape;
import org.stevedore.tape.campaign.StagingScheduler;
import org.stevedore.tape.campaign.Window;
import org.stevedore.tape.emulator.TapeEmulator;
import org.stevedore.tape.emulator.TapeEmulatorSettings;
import org.stevedore.tape.endpoint.TapeEndpoint;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.rest.RseTapeEndpoints;
import org.stevedore.tape.rest.TapeRestClients;
import org.stevedore.tape.store.CampaignStore;
import org.stevedore.web.bootstrap.LocalRses;
import org.stevedore.web.bootstrap.LocalTapeRse;
import org.stevedore.web.config.DaemonConfig.DaemonLifecycle;
import org.stevedore.web.config.StevedoreProperties;

/**
 * Pre-staging campaigns: their store, Spring Batch's job repository (H2 file {@code <data-dir>/batch} unless a JDBC URL
 * is configured), the tape endpoints by RSE (the emulated LOCAL_TAPE on an embedded store), the scheduler that shares
 * each endpoint, the copy of staged files on to a disk destination, and the resumption of running campaigns at
 * start-up. The Batch repository is built here rather than
 * by Boot's auto-configuration, which stays off (application.yml) so it neither runs jobs at start-up nor claims a
 * DataSource for the whole application.
 */
@Configuration(proxyBeanMethods = false)
public class CampaignConfig {

    private static final Logger log = LoggerFactory.getLogger(CampaignConfig.class);

    /** Spring Batch's JDBC pieces. */
    record BatchInfrastructure(DataSource dataSource, DataSourceTransactionManager transactions,
                               JobRepository repository, JobLauncher launcher) {
    }

    /** Campaigns for bridge tasks ask the bridge which of their staged files the task's jobs still need. */
    @Bean
    CampaignStore campaignStore(Store store, Clock clock) {
        return new CampaignStore(store, clock, new TaskFileDemand(clock));
    }

    @Bean
    BatchInfrastructure campaignBatch(CampaignProperties properties, StevedoreProperties stevedore) {
        CampaignProperties.Batch batch = properties.batch();
        String url = batch.url() == null || batch.url().isBlank()
                ? "jdbc:h2:file:" + stevedore.dataDir().resolve("batch").resolve("batch").toAbsolutePath()
                        + ";DB_CLOSE_DELAY=-1"
                : batch.url();
        DriverManagerDataSource dataSource = new DriverManagerDataSource(url);
        if (batch.username() != null) {
            dataSource.setUsername(batch.username());
            dataSource.setPassword(batch.password());
        } else if (url.startsWith("jdbc:h2:")) {
            dataSource.setUsername("sa");
            dataSource.setPassword("");
        }
        String platform = url.startsWith("jdbc:h2:") ? "h2" : url.split(":")[1];
        BatchRepositories.initializeSchema(dataSource, platform);
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
        JobRepository repository = BatchRepositories.jobRepository(dataSource, transactions);
        SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("campaign-");
        // A killed service is what the restart logic is for: job threads must not hold the JVM up.
        executor.setDaemon(true);
        log.info("Campaign job repository on {}", url.startsWith("jdbc:h2:") ? url : platform);
        return new BatchInfrastructure(dataSource, transactions, repository,
                BatchRepositories.launcher(repository, executor));
    }

    /**
     * The tape endpoints by RSE: the emulated tape behind LOCAL_TAPE on an embedded store, and the Tape REST endpoint
     * any other RSE names in its {@code tape_rest} attribute ({@link TapeConfig}).
     */
    @Bean(destroyMethod = "close")
    RseTapeEndpoints tapeEndpoints(Store store, Clock clock, CampaignProperties properties,
                                   StevedoreProperties stevedore, RseStore rses, RseProtocolStore protocols,
                                   TapeRestClients restClients, TapeProperties tape) {
        Map<String, TapeEndpoint> byRse = new HashMap<>();
        CampaignProperties.LocalTape local = properties.localTape();
        if (store.settings().isEmbedded() && local.enabled()) {
            Path root = LocalTapeRse.directory(stevedore.dataDir().resolve("rses"));
            Path buffer = stevedore.dataDir().resolve("tape-buffer").resolve("local_tape");
            TapeEmulatorSettings settings = new TapeEmulatorSettings(local.drives(), local.mountLatency(),
                    local.driveBandwidth().toBytes(), java.time.Duration.ZERO, local.bufferCapacity().toBytes(),
                    TapeEmulatorSettings.quick().tapeCapacity());
            byRse.put(LocalTapeRse.NAME, new LocalTape(TapeEmulator.onDirectories(settings, clock, root, buffer), root,
                    clock, local.migrationDelay()));
        }
        return new RseTapeEndpoints(byRse, rses, protocols, restClients::create, tape.rest().refresh(), clock);
    }

    @Bean
    StagingScheduler stagingScheduler(CampaignProperties properties) {
        Window window = new Window(properties.endpointWindow().files(),
                properties.endpointWindow().bytes().toBytes());
        return new StagingScheduler(rse -> window);
    }

    @Bean
    CampaignSettings campaignSettings(CampaignProperties p) {
        return new CampaignSettings(p.maxFilesPerRequest(), p.pollInterval(), p.rateWindow(),
                p.expansionBatch());
    }

    @Bean
    CampaignJobs campaignJobs(BatchInfrastructure batch, CampaignStore campaigns, TapeEndpoints endpoints,
                              StagingScheduler scheduler, CampaignSettings settings, Clock clock, CampaignPins pins,
                              Instances instances) {
        // Each campaign runs on the instance that claimed it; another takes it over once that one's heartbeats expire.
        return new CampaignJobs(batch.repository(), batch.transactions(), batch.launcher(), campaigns, endpoints,
                scheduler, settings, clock, Sleeper.real(), List.of(pins), instances);
    }

    /** Campaigns whose destination selects a disk RSE copy their staged files there through a rule of their own. */
    @Bean
    CampaignCopies campaignCopies(DidStore dids, RuleService rules, RseExpressionResolver resolver) {
        return new CampaignCopies(dids, rules, resolver::resolve);
    }

    @Bean
    CampaignService campaignService(CampaignStore campaigns, DidStore dids, RseExpressionResolver resolver,
                                    CampaignJobs jobs, TapeEndpoints endpoints, CampaignSettings settings, Clock clock,
                                    CampaignPins pins, CampaignCopies copies) {
        return new CampaignService(campaigns, dids, resolver::resolve, jobs, endpoints, settings, clock, pins,
                copies);
    }

    /** LOCAL_TAPE on an embedded store (after the local disks, so that a fresh store still gets them). */
    @Bean
    SmartInitializingSingleton localTapeRse(Store store, RseStore rses, RseProtocolStore protocols,
                                            RseDistanceStore distances, StevedoreProperties stevedore,
                                            CampaignProperties properties) {
        return () -> {
            if (store.settings().isEmbedded() && properties.localTape().enabled()) {
                Path root = stevedore.dataDir().resolve("rses");
                if (stevedore.localRses()) {
                    new LocalRses(rses, protocols, distances).createIfFresh(root);
                }
                new LocalTapeRse(rses, protocols, distances).createIfAbsent(root);
            }
        };
    }

    /**
     * Resumes the RUNNING campaigns no live instance runs: those this instance ran before it restarted, at start-up,
     * and those of an instance that died, once its heartbeats expire (every idle sleep of the resumer's daemon).
     */
    @Bean
    @ConditionalOnProperty(name = "stevedore.campaigns.resume-on-start", matchIfMissing = true)
    DaemonLifecycle campaignResumer(CampaignJobs jobs, HeartbeatStore heartbeats) {
        return new DaemonLifecycle(List.of(new Daemon(List.of(new CampaignResumer(jobs)), heartbeats,
                DaemonSettings.defaults().withStopTimeout(Duration.ofSeconds(5)))));
    }
}
