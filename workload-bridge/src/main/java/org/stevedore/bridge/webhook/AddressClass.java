package org.stevedore.bridge.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Which kind of internal address an address is, if any: what {@link WebhookTargets} refuses unless allowed. IPv6
 * addresses that carry an IPv4 address (IPv4-compatible, NAT64 {@code 64:ff9b::/96}) are judged by that address,
 * so an internal IPv4 address cannot be reached dressed as IPv6.
 */
final class AddressClass {

    private AddressClass() {
    }

    /** Why {@code address} is internal, as a phrase ("a loopback address"); empty when it is a public one. */
    static Optional<String> of(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return Optional.of("the unspecified address");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("a loopback address");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local address (169.254.0.0/16, fe80::/10)");
        }
        if (address.isSiteLocalAddress()) {
            return Optional.of("a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return Optional.of("an address in 0.0.0.0/8 (this network)");
            }
            if (first == 100 && (second & 0xc0) == 64) {
                return Optional.of("an address in the shared address space of carrier-grade NAT (100.64.0.0/10)");
            }
            if (Arrays.equals(b, new byte[] {(byte) 255, (byte) 255, (byte) 255, (byte) 255})) {
                return Optional.of("the broadcast address");
            }
            return Optional.empty();
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return Optional.of("a unique local address (fc00::/7)");
            }
            if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
                return Optional.of("a site-local address (fec0::/10)");
            }
            boolean compatible = ((Inet6Address) address).isIPv4CompatibleAddress();
            boolean mapped = Arrays.equals(Arrays.copyOfRange(b, 0, 10), new byte[10]) && (b[10] & 0xff) == 0xff
                    && (b[11] & 0xff) == 0xff;
            boolean nat64 = b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                    && Arrays.equals(Arrays.copyOfRange(b, 4, 12), new byte[8]);
            if (compatible || mapped || nat64) {
                try {
                    return of(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
