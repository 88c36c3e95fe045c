package org.stevedore.transfer.consistency;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocol;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.transfer.storage.FilePfn;

/**
 * Where an RSE's storage listing comes from: a storage dump the operator put in the dump directory
 * ({@code <dir>/<RSE>.dump} or {@code <dir>/<RSE>}) first, else a walk of the prefix of the RSE's {@code file}
 * protocol. Never from a path a caller names: what is read and, through dark files, deleted, is the operator's.
 */
public final class ListingSources {

    private final RseProtocolStore protocols;
    private final Path dumpDirectory;
    private final Path tmp;
    private final Clock clock;

    /** @param dumpDirectory where dumps are found; null for none */
    public ListingSources(RseProtocolStore protocols, Path dumpDirectory, Path tmp, Clock clock) {
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
        for (RseProtocol p : protocols.listByRse(List.of(rse)).getOrDefault(rse, List.of())) {
            if (p.scheme().equals("file")) {
                // The prefix directory: the parent of a path directly under it.
                return Optional.of(new PosixListing(FilePfn.toPath(Lfn2Pfn.pfn(p, "x")).getParent(), clock.instant()));
            }
        }
        return Optional.empty();
    }
}
