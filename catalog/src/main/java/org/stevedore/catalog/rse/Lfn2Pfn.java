package org.stevedore.catalog.rse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.stevedore.catalog.error.InvalidValueForKey;
import org.stevedore.catalog.error.UnsupportedOperation;

/**
 * How a deterministic RSE places a file: the path from {@code scope:name} (the RSE's {@code lfn2pfn_algorithm}), and
 * the PFN from a protocol and that path. Paths must match Rucio's to the byte, or files written under Rucio are not
 * found after a migration.
 */
public final class Lfn2Pfn {

    /** {@code scope/md5(scope:name)[0:2]/md5[2:4]/name}: spreads files over 65,536 directories. Rucio's default. */
    public static final String HASH = "hash";
    /** {@code scope/name}. */
    public static final String IDENTITY = "identity";
    public static final Set<String> ALGORITHMS = Set.of(HASH, IDENTITY);

    private Lfn2Pfn() {
    }

    /** The path of {@code scope:name} under the algorithm, relative (no leading '/'). */
    public static String path(String algorithm, String scope, String name) {
        if (HASH.equals(algorithm)) {
            return hash(scope, name);
        }
        if (IDENTITY.equals(algorithm)) {
            return identity(scope, name);
        }
        throw new InvalidValueForKey("Unknown lfn2pfn algorithm '" + algorithm + "' (known: "
                + String.join(", ", ALGORITHMS) + ")");
    }

    public static String hash(String scope, String name) {
        String md5 = md5Hex(scope + ":" + name);
        return scopePath(scope) + "/" + md5.substring(0, 2) + "/" + md5.substring(2, 4) + "/" + name;
    }

    public static String identity(String scope, String name) {
        return scopePath(scope) + "/" + name;
    }

    /** The PFN of {@code scope:name} on a deterministic RSE through one of its protocols. */
    public static String pfn(Rse rse, RseProtocol protocol, String scope, String name) {
        if (!rse.deterministic()) {
            throw new UnsupportedOperation("RSE '" + rse.rse()
                    + "' is not deterministic: its paths are recorded with each replica, not derived from the name");
        }
        return pfn(protocol, path(rse.lfn2pfnAlgorithm(), scope, name));
    }

    // Compiled once: the submitter makes two file names per request, and String.replaceAll compiles its pattern anew.
    private static final Pattern SLASH_RUNS = Pattern.compile("/{2,}");
    private static final Pattern EDGE_SLASHES = Pattern.compile("^/|/$");
    private static final Pattern LEADING_SLASHES = Pattern.compile("^/+");

    /**
     * {@code scheme://hostname[:port][web_service_path]/prefix/path} with single slashes between the parts; without a
     * hostname (the {@code file} scheme) {@code scheme:///prefix/path}. A port of 0 means none.
     */
    public static String pfn(RseProtocol protocol, String path) {
        StringBuilder pfn = new StringBuilder(protocol.scheme()).append("://").append(protocol.hostname());
        if (!protocol.hostname().isEmpty() && protocol.port() > 0) {
            pfn.append(':').append(protocol.port());
        }
        Object webServicePath = protocol.extendedAttributes() == null ? null
                : protocol.extendedAttributes().get("web_service_path");
        if (webServicePath instanceof String service && !service.isEmpty()) {
            // SRM: the SURL carries the service endpoint, then the file path after "?SFN="
            pfn.append(service.startsWith("/") ? service : "/" + service);
        }
        // Slashes are normalised where the parts meet and inside the prefix; the file path itself is left alone.
        String prefix = EDGE_SLASHES.matcher(SLASH_RUNS.matcher(protocol.prefix()).replaceAll("/")).replaceAll("");
        String relative = LEADING_SLASHES.matcher(path).replaceFirst("");
        pfn.append('/');
        if (!prefix.isEmpty()) {
            pfn.append(prefix).append('/');
        }
        return pfn.append(relative).toString();
    }

    /** Rucio turns every '.' of a user or group scope into a directory level: {@code user.jdoe} → {@code user/jdoe}. */
    private static String scopePath(String scope) {
        return personal(scope) ? scope.replace('.', '/') : scope;
    }

    private static boolean personal(String scope) {
        return scope.startsWith("user") || scope.startsWith("group");
    }

    /**
     * The scopes whose directory (where both algorithms put every file of the scope) would contain {@code path}, a
     * path relative to a protocol prefix, innermost first: for {@code user/jdoe/ab/cd/f} the candidates
     * {@code user.jdoe.ab.cd}, {@code user.jdoe.ab}, {@code user.jdoe} and {@code user}. Whether they exist is the
     * catalog's to say; the innermost existing one owns the path, since a scope's directory may hold another's
     * ({@code user/jdoe/sub} of {@code user.jdoe.sub} lies in {@code user/jdoe}).
     */
    public static List<String> scopesAbove(String path) {
        String[] parts = path.split("/");
        List<String> candidates = new ArrayList<>();
        for (int depth = parts.length - 1; depth >= 1; depth--) {
            String directory = String.join("/", Arrays.asList(parts).subList(0, depth));
            String scope = depth == 1 ? directory : directory.replace('/', '.');
            if (!scope.isEmpty() && scopePath(scope).equals(directory)) {
                candidates.add(scope);
            }
        }
        return candidates;
    }

    private static String md5Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime provides MD5", e);
        }
    }
}
