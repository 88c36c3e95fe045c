package org.stevedore.tape.rest;

import java.net.URI;
import java.util.Objects;
import org.stevedore.catalog.time.Sleeper;
import org.stevedore.tape.endpoint.TapeEndpoint;
import org.stevedore.tape.endpoint.UnusableTapeEndpoint;

/**
 * Makes the client of any Tape REST endpoint from one configuration: the settings of {@code template} (its root is
 * replaced by each endpoint's), with one identity (an X509 certificate or proxy, and/or a bearer token) and one set of
 * CAs. Without an identity every endpoint gets an {@link UnusableTapeEndpoint} saying what to configure: tape systems
 * do not stage for anonymous callers.
 */
public final class TapeRestClients {

    private final TapeRestSettings template;
    private final Sleeper sleeper;
    private final String missingCredentials;

    /**
     * @param template           settings every endpoint shares; its {@code webdavRoot} is only a placeholder
     * @param missingCredentials what to tell operators when the template has no identity (which settings to set)
     */
    public TapeRestClients(TapeRestSettings template, Sleeper sleeper, String missingCredentials) {
        this.template = Objects.requireNonNull(template, "template");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.missingCredentials = missingCredentials;
    }

    /**
     * The client of the endpoint whose WebDAV root is {@code root}. Throws IllegalArgumentException when the root is
     * not an http(s)/dav(s) URL, or when TLS cannot be set up with the configured files.
     */
    public TapeEndpoint create(URI root) {
        TapeRestSettings settings = template.withWebdavRoot(root);
        if (!settings.hasIdentity()) {
            return new UnusableTapeEndpoint("No Tape REST credentials configured, so " + settings.webdavRoot()
                    + " cannot be used: " + missingCredentials);
        }
        return new TapeRestClient(settings, sleeper);
    }

    public boolean hasCredentials() {
        return template.hasIdentity();
    }
}
