package org.stevedore.web.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.stevedore.catalog.rse.RseDistanceStore;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.testsupport.Counterparts;
import org.stevedore.testsupport.server.PostgresProcess;
import org.stevedore.web.bootstrap.LocalTapeRse;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * The campaigns' Spring Batch job repository on PostgreSQL, as a deployment of several instances has it
 * ({@code stevedore.campaigns.batch.url=jdbc:postgresql://...}): the schema is created on a fresh database at
 * start-up and a campaign runs to its end with its job executions written there.
 */
class CampaignOnPostgresApiTest extends ApiTest {

    private static PostgresProcess postgres;

    @Autowired
    RseStore rses;
    @Autowired
    RseProtocolStore protocols;
    @Autowired
    RseDistanceStore distances;

    @BeforeAll
    static void postgresql() {
        Counterparts.require(PostgresProcess.available(), "PostgreSQL (Debian package postgresql)");
    }

    @DynamicPropertySource
    static void jobRepositoryOnPostgres(DynamicPropertyRegistry registry) {
        registry.add("stevedore.campaigns.batch.url", () -> server().jdbcUrl());
        registry.add("stevedore.campaigns.batch.username", () -> server().username());
        registry.add("stevedore.campaigns.batch.password", () -> server().password());
    }

    private static synchronized PostgresProcess server() {
        if (postgres == null) {
            postgres = PostgresProcess.start();
        }
        return postgres;
    }

    @AfterAll
    static void stop() {
        // The application context outlives this class (Spring caches it); its campaigns are over by now.
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    @Test
    void aCampaignRunsWithItsJobRepositoryOnPostgres() throws Exception {
        assertThat(server().query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'batch_job_execution'"))
                .as("Spring Batch's schema, created by the service at start-up").isEqualTo("1");
        new LocalTapeRse(rses, protocols, distances).createIfAbsent(dataDir().resolve("rses"));
        api.post("/accounts/root/scopes/pg8", Map.of());
        api.post("/dids/pg8/ds", Map.of("type", "DATASET"));
        Path tape = LocalTapeRse.directory(dataDir().resolve("rses"));
        for (int i = 0; i < 3; i++) {
            String name = "pg.%d.%d.raw".formatted(System.nanoTime(), i);
            byte[] content = ("raw data " + i + "\n").repeat(1000).getBytes(StandardCharsets.UTF_8);
            Path file = tape.resolve("pg8").resolve(name);
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            Adler32 adler = new Adler32();
            adler.update(content);
            var r = api.post("/dids/pg8/ds/dids", Map.of("rse", LocalTapeRse.NAME, "dids", List.of(Map.of(
                    "scope", "pg8", "name", name, "bytes", content.length, "adler32",
                    "%08x".formatted(adler.getValue()), "pfn", "file://" + file))));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }

        var created = api.post("/campaigns", Map.of("dids", dids("pg8", "ds"), "rse_expression", LocalTapeRse.NAME,
                "window_files", 2));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Map<String, Object> campaign = ApiClient.json(created);
        String id = (String) campaign.get("id");
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (!"COMPLETED".equals(campaign.get("state")) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            campaign = ApiClient.json(api.get("/campaigns/" + id));
        }
        assertThat(campaign).containsEntry("state", "COMPLETED").containsEntry("files_staged", 3)
                .containsEntry("files_failed", 0);
        // Spring Batch records the execution's end just after the campaign's own state: give it a moment.
        String statuses = "";
        long recorded = System.nanoTime() + 30_000_000_000L;
        while (!statuses.contains("COMPLETED") && System.nanoTime() < recorded) {
            statuses = server().query("SELECT status FROM batch_job_execution");
            Thread.sleep(200);
        }
        assertThat(statuses).as("the campaign's job executions, in PostgreSQL").contains("COMPLETED");
    }
}
