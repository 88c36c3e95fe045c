package org.stevedore.web.ping;

import java.util.Map;
import org.springframework.boot.info.BuildProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.web.api.RucioCompatible;

/** {@code GET /ping}: the server version, without authentication, as Rucio answers it. */
@RucioCompatible
@RestController
public class PingController {

    private final String version;

    public PingController(ObjectProvider<BuildProperties> build) {
        BuildProperties properties = build.getIfAvailable();
        String v = properties != null ? properties.getVersion() : PingController.class.getPackage().getImplementationVersion();
        this.version = v == null ? "dev" : v;
    }

    @GetMapping("/ping")
    public Map<String, String> ping() {
        return Map.of("version", version);
    }
}
