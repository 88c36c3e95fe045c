package org.stevedore.tape.rest;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseProtocol;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.rse.RseType;
import org.stevedore.tape.endpoint.TapeEndpoint;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.endpoint.UnusableTapeEndpoint;

/**
 * Which tape endpoint serves an RSE, from the catalog: fixed endpoints first (the embedded emulator behind
 * LOCAL_TAPE), then the WLCG Tape REST endpoint an RSE names in its {@value #ATTRIBUTE} attribute (the storage's
 * WebDAV root, {@code https://host:port} or {@code davs://...}; the API's own root is discovered under it). That works
 * for TAPE RSEs, and for DISK RSEs whose {@value #STAGING_REQUIRED} attribute is true (a disk buffer in front of tape).
 *
 * <p>Files are named to the endpoint by their site path under the RSE's preferred WAN read protocol (the one FTS
 * reads tape sources through), see {@link SitePathEndpoint}.
 *
 * <p>As the transfer agent does with FTS servers: one client per endpoint URL, made on first use and kept; what an RSE
 * resolves to is kept for {@code refresh}, so attributes and protocols set while the service runs are picked up
 * within that time without a store read per call. A configuration that cannot work (an attribute that is no URL, no
 * protocol, no credentials, unreadable certificate files) resolves to an {@link UnusableTapeEndpoint} that says why;
 * a client that could not be made is tried again after {@code refresh}.
 */
public final class RseTapeEndpoints implements TapeEndpoints, AutoCloseable {

    /** RSE attribute: the WebDAV root of the RSE's Tape REST endpoint. */
    public static final String ATTRIBUTE = "tape_rest";
    /** RSE attribute: a DISK RSE whose files must be staged before they can be read. */
    public static final String STAGING_REQUIRED = "staging_required";

    private static final Logger log = LoggerFactory.getLogger(RseTapeEndpoints.class);

    private record Resolved(Optional<TapeEndpoint> endpoint, String description, long until) {
    }

    private final Map<String, ? extends TapeEndpoint> fixed;
    private final RseStore rses;
    private final RseProtocolStore protocols;
    private final Function<URI, TapeEndpoint> clients;
    private final Duration refresh;
    private final Clock clock;
    private final Map<String, Resolved> byRse = new ConcurrentHashMap<>();
    private final Map<String, TapeEndpoint> byUrl = new ConcurrentHashMap<>();

    /**
     * @param fixed   endpoints by RSE name that no attribute overrides
     * @param clients makes the client of a WebDAV root (see {@link TapeRestClients#create}); may throw
     *                IllegalArgumentException with the reason
     * @param refresh how long what an RSE resolves to is kept
     */
    public RseTapeEndpoints(Map<String, ? extends TapeEndpoint> fixed, RseStore rses, RseProtocolStore protocols,
                            Function<URI, TapeEndpoint> clients, Duration refresh, Clock clock) {
        this.fixed = Map.copyOf(fixed);
        this.rses = rses;
        this.protocols = protocols;
        this.clients = clients;
        this.refresh = refresh;
        this.clock = clock;
    }

    @Override
    public Optional<TapeEndpoint> forRse(String rse) {
        TapeEndpoint known = fixed.get(rse);
        if (known != null) {
            return Optional.of(known);
        }
        long now = clock.millis();
        Resolved resolved = byRse.get(rse);
        if (resolved == null || resolved.until() <= now) {
            Resolved fresh = resolve(rse, now + refresh.toMillis());
            if (resolved == null || !resolved.description().equals(fresh.description())) {
                log.info("Tape endpoint of RSE {}: {}", rse, fresh.description());
            }
            byRse.put(rse, fresh);
            resolved = fresh;
        }
        return resolved.endpoint();
    }

    private Resolved resolve(String rse, long until) {
        Rse found;
        Map<String, Object> attributes;
        try {
            found = rses.get(rse);
            attributes = rses.attributes(rse);
        } catch (RSENotFound e) {
            return new Resolved(Optional.empty(), "none (no such RSE)", until);
        }
        Object value = attributes.get(ATTRIBUTE);
        if (value == null) {
            return new Resolved(Optional.empty(), "none (no " + ATTRIBUTE + " attribute)", until);
        }
        if (found.rseType() != RseType.TAPE && !truthy(attributes.get(STAGING_REQUIRED))) {
            return new Resolved(Optional.empty(), "none (a DISK RSE is staged from only with " + STAGING_REQUIRED
                    + "=true)", until);
        }
        String text = String.valueOf(value).trim();
        URI root;
        try {
            root = new URI(text);
            String scheme = root.getScheme() == null ? "" : root.getScheme().toLowerCase(Locale.ROOT);
            if (!List.of("https", "http", "davs", "dav").contains(scheme) || root.getHost() == null) {
                throw new URISyntaxException(text, "not an https, http, davs or dav URL with a host");
            }
        } catch (URISyntaxException e) {
            return unusable("RSE " + rse + ": attribute " + ATTRIBUTE + " '" + text
                    + "' must be the storage's WebDAV root, an https or davs URL such as https://host:port", until);
        }
        RseProtocol protocol = RseProtocol.best(protocols.list(rse), RseProtocol::readWan);
        if (protocol == null) {
            protocol = RseProtocol.best(protocols.list(rse), RseProtocol::readLan);
        }
        if (protocol == null) {
            return unusable("RSE " + rse + " has no protocol to read with: the Tape REST API names files by their path"
                    + " under the RSE's protocol prefix, so add one (e.g. davs with the storage's prefix)", until);
        }
        // One client per endpoint whatever the spelling: davs://h:1/ and https://h:1 are the same server.
        root = TapeRestSettings.defaults(root).webdavRoot();
        TapeEndpoint client = client(root);
        if (client instanceof UnusableTapeEndpoint unusable) {
            byUrl.remove(root.toString(), client);
            return unusable("RSE " + rse + ": " + unusable.reason(), until);
        }
        SitePathEndpoint endpoint = SitePathEndpoint.under(client, protocol);
        return new Resolved(Optional.of(endpoint), "Tape REST at " + root + ", files under " + endpoint.sitePrefix(),
                until);
    }

    private TapeEndpoint client(URI root) {
        return byUrl.computeIfAbsent(root.toString(), url -> {
            try {
                return clients.apply(root);
            } catch (RuntimeException e) {
                return new UnusableTapeEndpoint("cannot set up a Tape REST client for " + url + ": " + e.getMessage());
            }
        });
    }

    private static Resolved unusable(String reason, long until) {
        return new Resolved(Optional.of(new UnusableTapeEndpoint(reason)), "unusable: " + reason, until);
    }

    private static boolean truthy(Object value) {
        return value != null && List.of("true", "1", "yes").contains(String.valueOf(value).trim().toLowerCase(Locale.ROOT));
    }

    /** Closes the clients made on demand (the fixed endpoints belong to whoever gave them). */
    @Override
    public void close() {
        byUrl.forEach((url, client) -> {
            if (client instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.warn("Closing the Tape REST client of {} failed: {}", url, e.toString());
                }
            }
        });
        byUrl.clear();
        byRse.clear();
    }
}
