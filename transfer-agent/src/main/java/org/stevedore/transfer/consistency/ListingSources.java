package org.stevedore.transfer.consistency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocol;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.grid.X509HttpClients;
import org.stevedore.transfer.storage.FilePfn;
import org.stevedore.transfer.storage.WebDavSettings;
import org.stevedore.transfer.storage.WebDavStorage;

/**
 * Where an RSE's storage listing comes from: a storage dump the operator put in the dump directory
 * ({@code <dir>/<RSE>.dump} or {@code <dir>/<RSE>}) first, else a walk of the prefix of the RSE's {@code file}
 * protocol, else a {@code PROPFIND} walk of the prefix of its WebDAV protocol ({@code davs}, {@code https},
 * {@code dav}, {@code http}) with the transfer agent's X509 HTTP client. Never from a path a caller names: what is
 * read and, through dark files, deleted, is the operator's.
 */
public final class ListingSources implements AutoCloseable {

    private static final Set<String> WEBDAV = Set.of("davs", "https", "dav", "http");

    private final RseProtocolStore protocols;
    private final Path dumpDirectory;
    private final Path tmp;
    private final Clock clock;
    private final CloseableHttpClient http;

    /**
     * @param dumpDirectory where dumps are found; null for none
     * @param webDav        the HTTP client settings of WebDAV walks (credentials, trust, timeouts)
     */
    public ListingSources(RseProtocolStore protocols, Path dumpDirectory, Path tmp, Clock clock, WebDavSettings webDav) {
        this.http = X509HttpClients.create(webDav.credentials(), webDav.trust(), webDav.connectTimeout(),
                webDav.socketTimeout(), webDav.maxConnections());
        this.protocols = protocols;
        this.dumpDirectory = dumpDirectory;
        this.tmp = tmp;
        this.clock = clock;
    }

    /** The listing of {@code rse}, or empty when it has neither a dump nor a posix protocol. */
    public Optional<StorageListing> forRse(String rse) {
        if (dumpDirectory != null) {
            for (Path dump : List.of(dumpDirectory.resolve(rse + ".dump"), dumpDirectory.resolve(rse))) {
                if (dump.normalize().startsWith(dumpDirectory.normalize()) && Files.isRegularFile(dump)) {
                    return Optional.of(new DumpListing(dump, tmp, 200_000));
                }
            }
        }
        List<RseProtocol> all = protocols.listByRse(List.of(rse)).getOrDefault(rse, List.of());
        for (RseProtocol p : all) {
            if (p.scheme().equals("file")) {
                // The prefix directory: the parent of a path directly under it.
                return Optional.of(new PosixListing(FilePfn.toPath(Lfn2Pfn.pfn(p, "x")).getParent(), clock.instant()));
            }
        }
        for (RseProtocol p : all) {
            if (WEBDAV.contains(p.scheme())) {
                return Optional.of(new WebDavListing(http, WebDavStorage.uri(Lfn2Pfn.pfn(p, "")), clock.instant()));
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
