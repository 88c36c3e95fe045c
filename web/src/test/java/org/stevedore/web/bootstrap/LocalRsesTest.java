package org.stevedore.web.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.stevedore.catalog.rse.RseDistanceStore;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

class LocalRsesTest extends ApiTest {

    @Autowired
    RseStore rses;
    @Autowired
    RseProtocolStore protocols;
    @Autowired
    RseDistanceStore distances;

    @Test
    void aFreshStoreGetsTwoPosixDiskRsesWithDistancesAndOnlyOnce() {
        Path root = dataDir().resolve("rses-test");
        LocalRses local = new LocalRses(rses, protocols, distances);
        assertThat(local.createIfFresh(root)).isTrue();
        assertThat(local.createIfFresh(root)).isFalse();

        assertThat(ApiClient.docs(api.get("/rses/"))).extracting(d -> d.get("rse"))
                .containsExactly("LOCAL_DISK_A", "LOCAL_DISK_B");
        Map<String, Object> info = ApiClient.json(api.get("/rses/LOCAL_DISK_A"));
        assertThat(info).containsEntry("rse_type", "DISK").containsEntry("deterministic", true);
        Map<String, Object> protocol = map(((List<?>) info.get("protocols")).get(0));
        assertThat(protocol).containsEntry("scheme", "file");
        assertThat(Files.isDirectory(Path.of((String) protocol.get("prefix")))).isTrue();
        assertThat(ApiClient.jsonList(api.get("/rses/LOCAL_DISK_A/distances/LOCAL_DISK_B"))).hasSize(1);
        assertThat(ApiClient.docs(api.get("/rses/?expression=site=LOCAL"))).hasSize(2);
    }

    @Test
    void aStoreThatHasRsesGetsNone() {
        assertThat(api.post("/rses/PROD_DISK", Map.of()).statusCode()).isEqualTo(201);
        assertThat(new LocalRses(rses, protocols, distances).createIfFresh(dataDir().resolve("rses-test2"))).isFalse();
        assertThat(ApiClient.docs(api.get("/rses/"))).extracting(d -> d.get("rse")).containsExactly("PROD_DISK");
    }
}
