package org.stevedore.transfer.fts;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import org.stevedore.transfer.tool.TransferTool;
import org.stevedore.transfer.tool.UnusableTransferTool;

/**
 * Makes the client of any FTS3 server from one configuration: the settings of {@code template} (its endpoint is
 * replaced), one identity (an X509 certificate or proxy, or a bearer token) and one CA directory. Without an identity
 * every server gets an {@link UnusableTransferTool} saying what to configure.
 */
public final class Fts3Clients {

    private final Fts3Config template;
    private final Fts3Auth auth;
    private final Path caDirectory;
    private final Clock clock;
    private final String missingCredentials;

    /**
     * @param auth               the identity, or null when none is configured
     * @param missingCredentials what to tell operators when {@code auth} is null (which settings to set)
     */
    public Fts3Clients(Fts3Config template, Fts3Auth auth, Path caDirectory, Clock clock, String missingCredentials) {
        this.template = Objects.requireNonNull(template, "template");
        this.auth = auth;
        this.caDirectory = caDirectory;
        this.clock = clock;
        this.missingCredentials = missingCredentials;
    }

    /** The client for the server at {@code url}; throws IllegalArgumentException when TLS cannot be set up. */
    public TransferTool create(String url) {
        if (auth == null) {
            return new UnusableTransferTool("No FTS credentials configured, so FTS " + url + " cannot be used: "
                    + missingCredentials);
        }
        return Fts3Client.create(template.withEndpoint(URI.create(url)), auth, caDirectory, clock);
    }

    public boolean hasCredentials() {
        return auth != null;
    }
}
