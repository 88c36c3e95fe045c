package org.stevedore.web.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * All of Stevedore's settings, under {@code stevedore.*}; each can be set by environment variable
 * ({@code STEVEDORE_NEO4J_URI}, {@code STEVEDORE_DATA_DIR}, ...).
 */
@Validated
@ConfigurationProperties("stevedore")
public class StevedoreProperties {

    /** Where the embedded defaults keep their files (Neo4j, batch repository, local RSEs, root password). */
    @NotNull
    private Path dataDir = Path.of("data");

    /**
     * Whether a fresh embedded store gets the local posix RSEs under {@code <data-dir>/rses}. Never applies to an
     * external store.
     */
    private boolean localRses = true;

    @Valid
    private final Neo4j neo4j = new Neo4j();
    @Valid
    private final Auth auth = new Auth();
    @Valid
    private final Api api = new Api();
    @Valid
    private final Rules rules = new Rules();

    public Path getDataDir() {
        return dataDir;
    }

    public void setDataDir(Path dataDir) {
        this.dataDir = dataDir;
    }

    public boolean isLocalRses() {
        return localRses;
    }

    public void setLocalRses(boolean localRses) {
        this.localRses = localRses;
    }

    public Neo4j getNeo4j() {
        return neo4j;
    }

    public Auth getAuth() {
        return auth;
    }

    public Api getApi() {
        return api;
    }

    public Rules getRules() {
        return rules;
    }

    /** Rule evaluation and its workers. */
    public static class Rules {
        /** Rules with more file copies than this start in INJECT and are applied by the injector. */
        @Min(1)
        private long injectThreshold = 10_000;
        /** A rule stuck this long (since it first got stuck) becomes SUSPENDED. */
        @NotNull
        private Duration suspendAfter = Duration.ofDays(14);

        public long getInjectThreshold() {
            return injectThreshold;
        }

        public void setInjectThreshold(long injectThreshold) {
            this.injectThreshold = injectThreshold;
        }

        public Duration getSuspendAfter() {
            return suspendAfter;
        }

        public void setSuspendAfter(Duration suspendAfter) {
            this.suspendAfter = suspendAfter;
        }
    }

    /** The catalog store. Without a URI, an embedded server runs under {@code <data-dir>/neo4j}. */
    public static class Neo4j {
        /** bolt:// or neo4j:// (cluster routing) URI of an external Neo4j; empty for the embedded server. */
        private String uri;
        private String username = "neo4j";
        private String password;
        private String database = "neo4j";
        /** Bolt port of the embedded server; 0 picks a free one. */
        @Min(0)
        private int embeddedBoltPort = 0;
        /** Page cache of the embedded server; empty leaves Neo4j's default. */
        private DataSize embeddedPageCache;
        /** Rows per UNWIND round trip in bulk writes. */
        @Min(1)
        private int batchSize = 5_000;

        public String getUri() {
            return uri;
        }

        public void setUri(String uri) {
            this.uri = uri;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public String getDatabase() {
            return database;
        }

        public void setDatabase(String database) {
            this.database = database;
        }

        public int getEmbeddedBoltPort() {
            return embeddedBoltPort;
        }

        public void setEmbeddedBoltPort(int embeddedBoltPort) {
            this.embeddedBoltPort = embeddedBoltPort;
        }

        public DataSize getEmbeddedPageCache() {
            return embeddedPageCache;
        }

        public void setEmbeddedPageCache(DataSize embeddedPageCache) {
            this.embeddedPageCache = embeddedPageCache;
        }

        public int getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }
    }

    /** Sessions and the first-start root account. */
    public static class Auth {
        @NotNull
        private Duration tokenLifetime = Duration.ofHours(1);
        /** Where the generated root password is written on first start; default {@code <data-dir>/root-password}. */
        private Path rootPasswordFile;

        public Duration getTokenLifetime() {
            return tokenLifetime;
        }

        public void setTokenLifetime(Duration tokenLifetime) {
            this.tokenLifetime = tokenLifetime;
        }

        public Path getRootPasswordFile() {
            return rootPasswordFile;
        }

        public void setRootPasswordFile(Path rootPasswordFile) {
            this.rootPasswordFile = rootPasswordFile;
        }
    }

    /** Limits of the REST API. */
    public static class Api {
        /** Largest request body accepted; larger ones get 413. */
        @NotNull
        private DataSize maxBodySize = DataSize.ofMegabytes(64);

        public DataSize getMaxBodySize() {
            return maxBodySize;
        }

        public void setMaxBodySize(DataSize maxBodySize) {
            this.maxBodySize = maxBodySize;
        }
    }
}
