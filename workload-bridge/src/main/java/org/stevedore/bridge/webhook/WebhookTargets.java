package org.stevedore.bridge.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.stevedore.catalog.error.InvalidObject;

/**
 * Where webhooks may go. A task's URL is chosen by whoever registers the task, and the service sends to it from
 * inside the site's network: left alone, a URL could make the service post to its own Neo4j, to a metadata service
 * or to any host behind the firewall. So the URL's host is resolved and every address it resolves to must be a
 * public one: not loopback, link-local, private (site-local, unique local), unspecified, multicast, broadcast, the
 * shared address space of carrier-grade NAT, nor one of this machine's own interface addresses, unless the operator
 * names the host, the address or a network containing it in the allow-list ({@code stevedore.bridge.webhooks
 * .allowed-hosts}). Only http and https URLs without user information are accepted.
 *
 * <p>The check runs when the task is registered ({@link #check}, a 400 naming the URL and the reason) and again on
 * every delivery ({@link #addresses}), whose connection then goes to the addresses checked and no others, so a name
 * that resolves to a public address at registration and to an internal one later (DNS rebinding) is refused.
 */
public final class WebhookTargets {

    /** Host name to addresses: the system's resolver in production, a seam for tests. */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;

        static Resolver system() {
            return host -> Arrays.asList(InetAddress.getAllByName(host));
        }
    }

    /** A destination refused by this policy; an {@link UnknownHostException} so HTTP clients pass it through. */
    public static final class Refused extends UnknownHostException {
        public Refused(String message) {
            super(message);
        }
    }

    private static final String PROPERTY = "stevedore.bridge.webhooks.allowed-hosts";
    private static final long OWN_ADDRESSES_MAX_AGE_NANOS = 60_000_000_000L;

    private final Set<String> allowedNames = new HashSet<>();
    private final List<Network> allowedNetworks = new ArrayList<>();
    private final Resolver resolver;
    private final Supplier<Set<InetAddress>> ownAddresses;
    private Set<InetAddress> own;
    private long ownReadAt;

    /**
     * @param allowedHosts host names (matched exactly, ignoring case), addresses and networks in CIDR notation
     *                     ({@code 10.1.0.0/16}, {@code fd00::/8}) that webhooks may reach although internal
     * @param resolver     resolves host names
     * @param ownAddresses this machine's interface addresses (read at most once a minute)
     */
    public WebhookTargets(List<String> allowedHosts, Resolver resolver, Supplier<Set<InetAddress>> ownAddresses) {
        for (String entry : allowedHosts == null ? List.<String>of() : allowedHosts) {
            String e = entry == null ? "" : entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            Optional<Network> network = Network.parse(e);
            if (network.isPresent()) {
                allowedNetworks.add(network.get());
            } else if (e.contains("/") || e.contains(":") || e.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
                throw new IllegalArgumentException("'" + entry + "' in " + PROPERTY + " is neither a host name, an"
                        + " address nor a network such as 10.1.0.0/16");
            } else {
                allowedNames.add(e.toLowerCase(Locale.ROOT));
            }
        }
        this.resolver = resolver;
        this.ownAddresses = ownAddresses;
    }

    /** The production policy: the system resolver, the machine's interfaces. */
    public static WebhookTargets of(List<String> allowedHosts) {
        return new WebhookTargets(allowedHosts, Resolver.system(), WebhookTargets::interfaceAddresses);
    }

    /**
     * At registration: {@code url} as a URI when it is an http(s) URL without user information whose host resolves
     * to addresses webhooks may reach.
     *
     * @throws InvalidObject naming the URL and why it is refused
     */
    public URI check(String url) {
        URI uri = parse(url);
        try {
            addresses(uri.getHost());
        } catch (Refused e) {
            throw new InvalidObject("'webhook.url' " + url + " is refused: " + e.getMessage());
        } catch (UnknownHostException e) {
            throw new InvalidObject("'webhook.url' " + url + " is refused: its host " + uri.getHost()
                    + " cannot be resolved");
        }
        return uri;
    }

    /**
     * An http(s) URL with a host and no user information.
     *
     * @throws InvalidObject naming the URL and what is wrong with it
     */
    public static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url == null ? "" : url.strip());
        } catch (java.net.URISyntaxException e) {
            throw new InvalidObject("'webhook.url' " + url + " is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new InvalidObject("'webhook.url' must be an absolute http or https URL with a host, not '" + url + "'");
        }
        if (uri.getRawUserInfo() != null) {
            throw new InvalidObject("'webhook.url' " + url.replace(uri.getRawUserInfo() + "@", "***@")
                    + " is refused: user information in a URL is not allowed; sign deliveries with the webhook's secret");
        }
        return uri;
    }

    /**
     * The addresses of {@code host}, resolved once, each one checked: connect to these and no others.
     *
     * @throws Refused             when one of them may not be reached (the reason says which and why)
     * @throws UnknownHostException when the host does not resolve
     */
    public List<InetAddress> addresses(String host) throws UnknownHostException {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        List<InetAddress> resolved = resolver.resolve(name);
        if (resolved == null || resolved.isEmpty()) {
            throw new UnknownHostException(name);
        }
        if (allowedNames.contains(name.toLowerCase(Locale.ROOT))) {
            return List.copyOf(resolved);
        }
        Set<InetAddress> mine = own();
        for (InetAddress address : resolved) {
            if (allowedNetworks.stream().anyMatch(n -> n.contains(address))) {
                continue;
            }
            String why = AddressClass.of(address).orElse(mine.contains(address) ? "one of this service's own addresses"
                    : null);
            if (why != null) {
                // The address itself is not said: the answer must not become a way to read the site's DNS.
                boolean literal = address.getHostAddress().equalsIgnoreCase(name) || literal(name).isPresent();
                throw new Refused("its host " + host + (literal ? " is " : " resolves to ") + why
                        + "; the operator may allow it in " + PROPERTY);
            }
        }
        return List.copyOf(resolved);
    }

    private synchronized Set<InetAddress> own() {
        long now = System.nanoTime();
        if (own == null || now - ownReadAt > OWN_ADDRESSES_MAX_AGE_NANOS) {
            own = Set.copyOf(ownAddresses.get());
            ownReadAt = now;
        }
        return own;
    }

    /** Every address of every interface of this machine, up or down. */
    public static Set<InetAddress> interfaceAddresses() {
        Set<InetAddress> addresses = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                nic.inetAddresses().forEach(addresses::add);
            }
        } catch (SocketException e) {
            throw new IllegalStateException("Cannot list this machine's network interfaces", e);
        }
        return addresses;
    }

    /** An address and a prefix length: {@code 10.0.0.0/8}, {@code fc00::/7}; an address alone is a full prefix. */
    record Network(byte[] prefix, int bits) {

        static Optional<Network> parse(String text) {
            int slash = text.indexOf('/');
            String address = slash < 0 ? text : text.substring(0, slash);
            Optional<InetAddress> parsed = literal(address);
            if (parsed.isEmpty()) {
                return Optional.empty();
            }
            byte[] bytes = parsed.get().getAddress();
            int bits = bytes.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
                if (bits < 0 || bits > bytes.length * 8) {
                    return Optional.empty();
                }
            }
            return Optional.of(new Network(bytes, bits));
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != prefix.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((a[i / 8] & mask) != (prefix[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** An IP address literal (dotted IPv4, or IPv6 with or without brackets), parsed without any DNS lookup. */
    static Optional<InetAddress> literal(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean v4 = t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = t.contains(":") && t.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            InetAddress a = InetAddress.getByName(t); // a literal: parsed, never looked up
            return a instanceof Inet4Address || a instanceof Inet6Address ? Optional.of(a) : Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
