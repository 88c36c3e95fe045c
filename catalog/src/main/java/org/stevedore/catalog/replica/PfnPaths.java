package org.stevedore.catalog.replica;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocol;

/**
 * The path a replica registered with an explicit PFN is stored at: normalised and confined to its RSE. The PFN must
 * name one of the RSE's protocols (scheme, host and port, and the SRM service path when the protocol has one) and lie
 * under that protocol's prefix; the stored path is what follows the prefix, as Rucio stores it, so that every
 * protocol builds the PFN from prefix + path. Refused, with an {@link InvalidObject} naming the PFN: dot segments
 * ({@code .}, {@code ..}) plain or percent-encoded, empty segments ({@code //}, a trailing '/'), malformed or double
 * percent-encoding, control characters, user information, a query or fragment, another scheme, host or port, and a
 * path outside every protocol prefix. Nothing is silently remapped: a PFN either names a place under the RSE or is
 * refused, because the stored path is what the transfer tool writes and the reaper deletes.
 */
final class PfnPaths {

    private static final Pattern URL = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)", Pattern.DOTALL);
    /** SRM's SURL carries the file path after the service endpoint: {@code /srm/managerv2?SFN=/prefix/path}. */
    private static final String SERVICE_PATH = "web_service_path";
    private static final Map<String, Integer> DEFAULT_PORTS = Map.of("http", 80, "dav", 80, "https", 443,
            "davs", 443, "root", 1094, "xroot", 1094, "gsiftp", 2811, "srm", 8443);

    private PfnPaths() {
    }

    /** The stored path (relative to the prefix, no leading '/') of {@code key}'s replica at {@code pfn}. */
    static String relative(String pfn, String key, String rse, List<RseProtocol> protocols) {
        String best = under(pfn, key, protocols);
        if (best == null) {
            throw refused(pfn, key, "is not under any protocol of RSE '" + rse + "' (its places: "
                    + (protocols.isEmpty() ? "none, the RSE has no protocol" : String.join(", ",
                    protocols.stream().map(p -> Lfn2Pfn.pfn(p, "")).toList())) + ")");
        }
        return best;
    }

    /**
     * The stored path {@code pfn} names under one of {@code protocols} (the longest prefix wins), or null when it is
     * under none of them; a malformed PFN is refused whatever the protocols (a declaration of a bad PFN looks for
     * its RSE among all of them). {@code key} names the PFN's file in messages (null when not known).
     */
    static String under(String pfn, String key, List<RseProtocol> protocols) {
        Matcher m = URL.matcher(pfn);
        if (!m.matches()) {
            throw refused(pfn, key, "is not a URL of the form scheme://host[:port]/path");
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        String authority = m.group(2);
        String rest = m.group(3);
        if (authority.contains("@")) {
            throw refused(pfn, key, "carries user information");
        }
        String host = host(authority).toLowerCase(Locale.ROOT);
        Integer port = port(pfn, key, authority);
        if (rest.indexOf('#') >= 0) {
            throw refused(pfn, key, "has a fragment");
        }
        String best = null;
        int bestPrefix = -1;
        for (RseProtocol p : protocols) {
            String service = servicePath(p);
            if (!p.scheme().equals(scheme) || !hostMatches(p, host) || !portMatches(p, scheme, port)) {
                continue;
            }
            String raw;
            if (!service.isEmpty()) {
                if (!rest.startsWith(service)) {
                    continue;
                }
                raw = rest.substring(service.length());
            } else {
                raw = rest;
            }
            if (raw.indexOf('?') >= 0) {
                throw refused(pfn, key, "has a query");
            }
            String path = decodedPath(pfn, key, raw);
            String prefix = normalisedPrefix(p.prefix());
            String relative;
            if (prefix.isEmpty()) {
                relative = path.substring(1);
            } else if (path.startsWith("/" + prefix + "/")) {
                relative = path.substring(prefix.length() + 2);
            } else {
                continue;
            }
            if (prefix.length() > bestPrefix) {
                best = relative;
                bestPrefix = prefix.length();
            }
        }
        if (best == null) {
            // Checked here too, so that a PFN with a dot segment is named for it whichever protocol it claims.
            int query = rest.indexOf('?');
            decodedPath(pfn, key, query < 0 ? rest : rest.substring(0, query));
        }
        return best;
    }

    /** The percent-decoded path, checked segment by segment; it starts with '/'. */
    private static String decodedPath(String pfn, String key, String raw) {
        if (!raw.startsWith("/")) {
            throw refused(pfn, key, "has no absolute path");
        }
        String path = decode(pfn, key, raw);
        String[] segments = path.substring(1).split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty()) {
                throw refused(pfn, key, "has an empty path segment ('//' or a trailing '/')");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw refused(pfn, key, "has a dot segment ('" + segment + "'), plain or percent-encoded");
            }
        }
        return path;
    }

    private static String decode(String pfn, String key, String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
                if (lo < 0) {
                    throw refused(pfn, key, "has a malformed percent-encoding");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
                    encoded = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(encoded);
            }
        }
        String path;
        try {
            path = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw refused(pfn, key, "is not UTF-8 once percent-decoded");
        }
        if (path.indexOf('%') >= 0) {
            // Stored decoded, a '%' left would be decoded again by an HTTP storage: a second, hidden path.
            throw refused(pfn, key, "is still percent-encoded once decoded");
        }
        for (int i = 0; i < path.length(); i++) {
            if (Character.isISOControl(path.charAt(i))) {
                throw refused(pfn, key, "has a control character in its path");
            }
        }
        return path;
    }

    private static String host(String authority) {
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return end < 0 ? authority : authority.substring(0, end + 1);
        }
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    private static Integer port(String pfn, String key, String authority) {
        int close = authority.lastIndexOf(']');
        int colon = authority.lastIndexOf(':');
        if (colon < 0 || colon < close) {
            return null;
        }
        String digits = authority.substring(colon + 1);
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) {
            throw refused(pfn, key, "has an invalid port");
        }
        return Integer.parseInt(digits);
    }

    /** A protocol without a host (the {@code file} scheme) is this machine: no host, or {@code localhost}. */
    private static boolean hostMatches(RseProtocol p, String host) {
        if (p.hostname().isEmpty()) {
            return host.isEmpty() || host.equals("localhost");
        }
        return p.hostname().equalsIgnoreCase(host);
    }

    /** Ports compare after the scheme's default fills in the one not given (0 in a protocol means none). */
    private static boolean portMatches(RseProtocol p, String scheme, Integer port) {
        int fallback = DEFAULT_PORTS.getOrDefault(scheme, 0);
        int theirs = p.port() > 0 ? p.port() : fallback;
        int ours = port != null ? port : fallback;
        return theirs == ours;
    }

    private static String servicePath(RseProtocol p) {
        Object service = p.extendedAttributes() == null ? null : p.extendedAttributes().get(SERVICE_PATH);
        if (service instanceof String s && !s.isEmpty()) {
            return s.startsWith("/") ? s : "/" + s;
        }
        return "";
    }

    /** As {@link Lfn2Pfn#pfn(RseProtocol, String)} writes it: no slash at either end, no runs of slashes. */
    private static String normalisedPrefix(String prefix) {
        return prefix.replaceAll("/{2,}", "/").replaceAll("^/|/$", "");
    }

    private static InvalidObject refused(String pfn, String key, String why) {
        return new InvalidObject("PFN '" + pfn + "'" + (key == null ? "" : " of '" + key + "'") + " " + why);
    }
}
