package org.stevedore.bridge.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.stevedore.catalog.error.InvalidObject;

/**
 * Which webhook URLs registration accepts. Names other than localhost are answered by a resolver of the test's own
 * (no DNS is asked); addresses are only resolved, never connected to.
 */
class WebhookTargetsTest {

    /** 203.0.113.0/24 (TEST-NET-3) stands for the public internet; 203.0.113.99 for this machine's public address. */
    private static final Map<String, List<String>> ZONE = Map.of(
            "hooks.example", List.of("203.0.113.10"),
            "split.example", List.of("203.0.113.11", "10.0.0.5"),
            "internal.example", List.of("192.168.10.20"),
            "self.example", List.of("203.0.113.99"));

    private static InetAddress ip(String literal) {
        return WebhookTargets.literal(literal).orElseThrow();
    }

    private static List<InetAddress> resolve(String host) throws UnknownHostException {
        if (host.equals("localhost")) {
            return WebhookTargets.Resolver.system().resolve(host); // the machine's own answer, from its hosts file
        }
        var literal = WebhookTargets.literal(host);
        if (literal.isPresent()) {
            return List.of(literal.get());
        }
        List<String> answer = ZONE.get(host);
        if (answer == null) {
            throw new UnknownHostException(host);
        }
        return answer.stream().map(WebhookTargetsTest::ip).toList();
    }

    private static WebhookTargets targets(String... allowed) {
        return new WebhookTargets(List.of(allowed), WebhookTargetsTest::resolve, () -> Set.of(ip("203.0.113.99")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://127.0.0.1/hook|is a loopback address",
            "http://127.45.6.7:8080/hook|is a loopback address",
            "http://[::1]/hook|is a loopback address",
            "http://localhost:7687/|resolves to a loopback address",
            "http://10.0.0.1/hook|is a private address",
            "http://172.16.0.1/hook|is a private address",
            "http://172.31.255.254/hook|is a private address",
            "http://192.168.0.1/hook|is a private address",
            "http://internal.example/hook|resolves to a private address",
            "http://split.example/hook|resolves to a private address",
            "http://[fc00::1]/hook|is a unique local address",
            "http://[fdab:cdef::1]/hook|is a unique local address",
            "http://169.254.169.254/latest|is a link-local address",
            "http://[fe80::1]/hook|is a link-local address",
            "http://0.0.0.0/hook|is the unspecified address",
            "http://[::]/hook|is the unspecified address",
            "http://224.0.0.251/hook|is a multicast address",
            "http://[ff02::1]/hook|is a multicast address",
            "http://100.64.0.1/hook|carrier-grade NAT",
            "http://100.127.255.254/hook|carrier-grade NAT",
            "http://[::ffff:10.0.0.1]/hook|is a private address",
            "http://[64:ff9b::a9fe:a9fe]/hook|is a link-local address",
            "http://203.0.113.99/hook|is one of this service's own addresses",
            "http://self.example/hook|resolves to one of this service's own addresses",
    })
    void internalAddressesAreRefusedNamingTheUrlAndWhy(String url, String why) {
        assertThatThrownBy(() -> targets().check(url)).isInstanceOf(InvalidObject.class)
                .hasMessageContaining(url).hasMessageContaining(why)
                .hasMessageContaining("stevedore.bridge.webhooks.allowed-hosts");
    }

    @Test
    void theResolvedAddressIsNotTold() {
        assertThatThrownBy(() -> targets().check("http://internal.example/hook")).hasMessageNotContaining("192.168.10.20");
    }

    @Test
    void publicAddressesAndNamesAreAccepted() {
        assertThat(targets().check("https://hooks.example/bridge?x=1").getHost()).isEqualTo("hooks.example");
        assertThat(targets().check("http://203.0.113.7:8443/hook").getPort()).isEqualTo(8443);
        assertThat(targets().check("http://100.128.0.1/hook")).isNotNull(); // just above 100.64.0.0/10
        assertThat(targets().check("http://172.32.0.1/hook")).isNotNull(); // just above 172.16.0.0/12
    }

    @Test
    void onlyHttpAndHttpsWithoutUserInformation() {
        assertThatThrownBy(() -> targets().check("ftp://hooks.example/x")).isInstanceOf(InvalidObject.class)
                .hasMessageContaining("http or https");
        assertThatThrownBy(() -> targets().check("file:///etc/passwd")).isInstanceOf(InvalidObject.class);
        assertThatThrownBy(() -> targets().check("hooks.example/x")).isInstanceOf(InvalidObject.class);
        assertThatThrownBy(() -> targets().check("https://bob:hunter2@hooks.example/x")).isInstanceOf(InvalidObject.class)
                .hasMessageContaining("user information").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> targets().check("https://nowhere.example/x")).isInstanceOf(InvalidObject.class)
                .hasMessageContaining("cannot be resolved");
    }

    @Test
    void theAllowListLetsNamedHostsAddressesAndNetworksThrough() {
        assertThat(targets("127.0.0.1").check("http://127.0.0.1:8080/hook")).isNotNull();
        assertThatThrownBy(() -> targets("127.0.0.1").check("http://127.0.0.2:8080/hook"))
                .isInstanceOf(InvalidObject.class);
        assertThat(targets("10.0.0.0/8").check("http://10.20.30.40/hook")).isNotNull();
        assertThat(targets("10.0.0.0/8").check("http://split.example/hook")).isNotNull();
        assertThatThrownBy(() -> targets("10.0.0.0/8").check("http://192.168.0.1/hook")).isInstanceOf(InvalidObject.class);
        assertThat(targets("Internal.Example").check("http://internal.example/hook")).isNotNull();
        assertThat(targets("fd00::/8").check("http://[fd00::5]/hook")).isNotNull();
        assertThat(targets("203.0.113.99").check("http://self.example/hook")).isNotNull();
        assertThatThrownBy(() -> targets("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10.0.0.0/33");
    }
}
