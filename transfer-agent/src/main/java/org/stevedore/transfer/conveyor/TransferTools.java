package org.stevedore.transfer.conveyor;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.transfer.tool.TransferTool;
import org.stevedore.transfer.tool.UnusableTransferTool;

/**
 * Which transfer tool serves a destination: the FTS server named by the destination RSE's {@code fts} attribute, or
 * the local tool when the RSE has none (the embedded default's posix RSEs). Tools are looked up by their host, which
 * is also what requests record as {@code external_host}.
 *
 * <p>Besides the fixed tools given at construction, any FTS URL an RSE names gets its client on first use, from the
 * {@code servers} factory, also for attributes set after start-up; clients are kept per URL (in OkHttp's canonical
 * form, {@code https://fts.example.org:8446/}, which is what the FTS client reports as its host) and closed with this
 * object. A URL that cannot be used gets a tool that fails with the reason, so its requests wait in the queue saying
 * why; a client that could not be built is tried again on the next use.
 */
public final class TransferTools implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TransferTools.class);

    private final Map<String, TransferTool> fixed;
    private final String defaultHost;
    private final Function<String, TransferTool> servers;
    private final Map<String, TransferTool> made = new ConcurrentHashMap<>();

    /**
     * Only fixed tools.
     *
     * @param byHost      tools by host ("local" for the local tool, the FTS URL for an FTS server)
     * @param defaultHost the host used for RSEs without an {@code fts} attribute (null: none)
     */
    public TransferTools(Map<String, TransferTool> byHost, String defaultHost) {
        this(byHost, defaultHost, null);
    }

    /**
     * @param servers makes the tool for an FTS URL (canonical form) not among the fixed ones; null: none
     */
    public TransferTools(Map<String, TransferTool> byHost, String defaultHost, Function<String, TransferTool> servers) {
        this.fixed = Map.copyOf(byHost);
        this.defaultHost = defaultHost;
        this.servers = servers;
    }

    /** The host of the tool for a destination whose {@code fts} attribute is {@code fts} (may be null). */
    public Optional<String> hostFor(Object fts) {
        if (fts == null) {
            return defaultHost != null && fixed.containsKey(defaultHost) ? Optional.of(defaultHost) : Optional.empty();
        }
        String host = String.valueOf(fts).trim();
        if (fixed.containsKey(host)) {
            return Optional.of(host);
        }
        return servers == null ? Optional.empty() : Optional.of(canonical(host));
    }

    public Optional<TransferTool> tool(String host) {
        if (host == null) {
            return Optional.empty();
        }
        TransferTool tool = fixed.get(host);
        if (tool != null || servers == null) {
            return Optional.ofNullable(tool);
        }
        HttpUrl url = HttpUrl.parse(host);
        if (url == null) {
            return Optional.of(new UnusableTransferTool("The fts attribute '" + host + "' of the destination is not "
                    + "an http(s) URL"));
        }
        String key = url.toString();
        TransferTool known = made.get(key);
        return Optional.of(known != null ? known : make(key));
    }

    private synchronized TransferTool make(String url) {
        TransferTool known = made.get(url);
        if (known != null) {
            return known;
        }
        TransferTool created;
        try {
            created = servers.apply(url);
        } catch (RuntimeException e) {
            log.warn("Cannot set up a client for FTS {}: {}", url, e.getMessage());
            return new UnusableTransferTool("Cannot set up a client for FTS " + url + ": " + e.getMessage());
        }
        made.put(url, created);
        if (created instanceof UnusableTransferTool unusable) {
            log.warn("FTS {} is named by an RSE but cannot be used: {}", url, unusable.reason());
        } else {
            log.info("Transfer tool for FTS {} set up", url);
        }
        return created;
    }

    /** The canonical form of an FTS URL, or the text itself when it is no http(s) URL. */
    static String canonical(String url) {
        HttpUrl parsed = HttpUrl.parse(url);
        return parsed == null ? url : parsed.toString();
    }

    /** Closes the clients made on demand (the fixed tools belong to whoever gave them). */
    @Override
    public synchronized void close() {
        made.forEach((url, tool) -> {
            if (tool instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.warn("Closing the client of FTS {} failed: {}", url, e.toString());
                }
            }
        });
        made.clear();
    }
}
