package org.stevedore.web.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The application-wide settings, under {@code stevedore.*}; each can be set by environment variable
 * ({@code STEVEDORE_NEO4J_URI}, {@code STEVEDORE_DATA_DIR}, ...). Each feature's own settings are records of their
 * own next to its configuration.
 *
 * @param dataDir   where the embedded defaults keep their files (Neo4j, batch repository, local RSEs, root password)
 * @param localRses whether a fresh embedded store gets the local posix RSEs under {@code <data-dir>/rses}; never
 *                  applies to an external store
 * @param neo4j     the catalog store
 * @param auth      sessions and the first-start root account
 * @param api       limits of the REST API
 * @param rules     rule evaluation and its workers
 */
@Validated
@ConfigurationProperties("stevedore")
public record StevedoreProperties(
        @DefaultValue("data") @NotNull Path dataDir,
        @DefaultValue("true") boolean localRses,
        @DefaultValue @Valid Neo4j neo4j,
        @DefaultValue @Valid Auth auth,
        @DefaultValue @Valid Api api,
        @DefaultValue @Valid Rules rules) {

    /**
     * Rule evaluation and its workers.
     *
     * @param injectThreshold rules with more file copies than this start in INJECT and are applied by the injector
     * @param suspendAfter    a rule stuck this long (since it first got stuck) becomes SUSPENDED
     */
    public record Rules(
            @DefaultValue("10000") @Min(1) long injectThreshold,
            @DefaultValue("14d") @NotNull Duration suspendAfter) {
    }

    /**
     * The catalog store. Without a URI, an embedded server runs under {@code <data-dir>/neo4j}.
     *
     * @param uri               bolt:// or neo4j:// (cluster routing) URI of an external Neo4j; empty for the embedded
     *                          server
     * @param username          its user
     * @param password          that user's password
     * @param database          the database
     * @param embeddedBoltPort  Bolt port of the embedded server; 0 picks a free one
     * @param embeddedPageCache page cache of the embedded server; empty leaves Neo4j's default
     * @param batchSize         rows per UNWIND round trip in bulk writes
     */
    public record Neo4j(
            String uri,
            @DefaultValue("neo4j") String username,
            String password,
            @DefaultValue("neo4j") String database,
            @DefaultValue("0") @Min(0) int embeddedBoltPort,
            DataSize embeddedPageCache,
            @DefaultValue("5000") @Min(1) int batchSize) {

        /** Never the password: this object may end up in a log or a failure message. */
        @Override
        public String toString() {
            return "Neo4j[uri=" + uri + ", username=" + username + ", password=" + (password == null ? "none" : "***")
                    + ", database=" + database + ", embeddedBoltPort=" + embeddedBoltPort + ", embeddedPageCache="
                    + embeddedPageCache + ", batchSize=" + batchSize + "]";
        }
    }

    /**
     * Sessions and the first-start root account.
     *
     * @param tokenLifetime    how long a session token lives
     * @param rootPasswordFile where the generated root password is written on first start; default
     *                         {@code <data-dir>/root-password}
     * @param userpassOverPlainHttp password logins over the plain HTTP connector: true everywhere, false never,
     *                         unset only on connections to a loopback address
     */
    public record Auth(
            @DefaultValue("1h") @NotNull Duration tokenLifetime,
            Path rootPasswordFile,
            Boolean userpassOverPlainHttp) {
    }

    /**
     * Limits of the REST API.
     *
     * @param maxBodySize largest request body accepted; larger ones get 413
     * @param maxItems    most entries in the list of one request (files of a replica registration, DIDs to register,
     *                    attach, detach or list, attachments counted child by child, a campaign's or a task's inputs,
     *                    a task's jobs); more get 413 before anything is looked up
     * @param maxRuleDids most DIDs in one rule request, each of which becomes a rule evaluated in the request; more
     *                    get 413
     */
    public record Api(@DefaultValue("64MB") @NotNull DataSize maxBodySize,
                      @DefaultValue("100000") @Min(1) int maxItems,
                      @DefaultValue("1000") @Min(1) int maxRuleDids) {
    }
}
