package org.stevedore.transfer.storage;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Chooses the storage protocol for a PFN by its scheme. Built once with its implementations (constructor injection),
 * so tests and deployments decide what stands behind each scheme.
 */
public final class StorageProtocols implements AutoCloseable {

    private final Map<String, StorageProtocol> byScheme;

    public StorageProtocols(Map<String, StorageProtocol> byScheme) {
        this.byScheme = Map.copyOf(byScheme);
    }

    /** posix for {@code file}; one WebDAV client (one pool) for {@code davs}, {@code dav}, {@code https}, {@code http}. */
    public static StorageProtocols standard(WebDavSettings webDav) {
        WebDavStorage dav = new WebDavStorage(webDav);
        return new StorageProtocols(Map.of(
                "file", new PosixStorage(),
                "davs", dav,
                "dav", dav,
                "https", dav,
                "http", dav));
    }

    public StorageProtocol forScheme(String scheme) {
        StorageProtocol protocol = scheme == null ? null : byScheme.get(scheme.toLowerCase(Locale.ROOT));
        if (protocol == null) {
            throw new FatalStorageException("No storage protocol for scheme '" + scheme + "' (known: "
                    + String.join(", ", new TreeSet<>(byScheme.keySet())) + ")", null);
        }
        return protocol;
    }

    public StorageProtocol forPfn(String pfn) {
        int colon = pfn == null ? -1 : pfn.indexOf("://");
        if (colon <= 0) {
            throw new FatalStorageException("PFN without a scheme: '" + pfn + "'", pfn);
        }
        return forScheme(pfn.substring(0, colon));
    }

    public Set<String> schemes() {
        return byScheme.keySet();
    }

    /** Closes each implementation that holds resources (the WebDAV connection pool), once even if shared. */
    @Override
    public void close() throws Exception {
        Exception first = null;
        for (StorageProtocol protocol : Set.copyOf(byScheme.values())) {
            if (protocol instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
