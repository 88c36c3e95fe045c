package org.stevedore.transfer.conveyor;

import java.util.Map;
import java.util.Optional;
import org.stevedore.transfer.tool.TransferTool;

/**
 * Which transfer tool serves a destination: the FTS server named by the destination RSE's {@code fts} attribute, or
 * the local tool when the RSE has none (the embedded default's posix RSEs). Tools are looked up by their host name,
 * which is also what requests record as {@code external_host}.
 */
public final class TransferTools {

    private final Map<String, TransferTool> byHost;
    private final String defaultHost;

    /**
     * @param byHost      tools by host ("local" for the local tool, the FTS URL for an FTS server)
     * @param defaultHost the host used for RSEs without an {@code fts} attribute (null: none)
     */
    public TransferTools(Map<String, TransferTool> byHost, String defaultHost) {
        this.byHost = Map.copyOf(byHost);
        this.defaultHost = defaultHost;
    }

    /** The host of the tool for a destination whose {@code fts} attribute is {@code fts} (may be null). */
    public Optional<String> hostFor(Object fts) {
        String host = fts == null ? defaultHost : String.valueOf(fts);
        return host != null && byHost.containsKey(host) ? Optional.of(host) : Optional.empty();
    }

    public Optional<TransferTool> tool(String host) {
        return Optional.ofNullable(host == null ? null : byHost.get(host));
    }
}
