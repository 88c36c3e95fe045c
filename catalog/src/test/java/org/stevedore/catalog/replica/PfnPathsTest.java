package org.stevedore.catalog.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.rse.RseProtocol;

class PfnPathsTest {

    private static final List<RseProtocol> PROTOCOLS = List.of(
            protocol("file", "", 0, "/srv/rses/disk_a", null),
            protocol("davs", "se.example.org", 443, "/dpm/data/", null),
            protocol("davs", "se.example.org", 443, "/dpm/data/deeper", null),
            protocol("srm", "srm.example.org", 8446, "/pnfs/data", Map.of("web_service_path", "/srm/managerv2?SFN=")));

    private static RseProtocol protocol(String scheme, String host, int port, String prefix, Map<String, Object> ext) {
        return new RseProtocol(scheme, host, port, prefix, null, 1, 1, 1, 1, 1, 1, 1, 1, ext);
    }

    private static String relative(String pfn) {
        return PfnPaths.relative(pfn, "user.jdoe:f", "DISK_A", PROTOCOLS);
    }

    @Test
    void aPfnUnderAProtocolIsStoredRelativeToItsPrefix() {
        assertThat(relative("file:///srv/rses/disk_a/user/jdoe/ab/cd/f")).isEqualTo("user/jdoe/ab/cd/f");
        assertThat(relative("file://localhost/srv/rses/disk_a/x")).isEqualTo("x");
        assertThat(relative("davs://SE.example.org:443/dpm/data/x/f")).isEqualTo("x/f");
        // The scheme's default port stands for the protocol's; the longest prefix wins.
        assertThat(relative("davs://se.example.org/dpm/data/deeper/f")).isEqualTo("f");
        assertThat(relative("srm://srm.example.org:8446/srm/managerv2?SFN=/pnfs/data/run/f")).isEqualTo("run/f");
        assertThat(relative("file:///srv/rses/disk_a/a%20b")).isEqualTo("a b");
    }

    @Test
    void dotSegmentsEmptySegmentsAndBadEncodingsAreRefused() {
        for (String pfn : List.of("file:///srv/rses/disk_a/user/../f", "file:///srv/rses/disk_a/user/%2e%2e/f",
                "file:///srv/rses/disk_a/user/%2E./f", "file:///srv/rses/disk_a/user/.%2e/f",
                "file:///srv/rses/disk_a/./f", "file:///srv/rses/disk_a/user//f", "file:///srv/rses/disk_a/user/",
                "file:///srv/rses/disk_a/%252e%252e/f", "file:///srv/rses/disk_a/a%zzb", "file:///srv/rses/disk_a/a%00b",
                "file:///srv/rses/disk_a/user%2F..%2Ff", "davs://se.example.org/dpm/data/../../etc/passwd",
                "davs://se.example.org/dpm/data/f?x=1", "davs://se.example.org/dpm/data/f#x",
                "davs://me@se.example.org/dpm/data/f", "davs://se.example.org:4x3/dpm/data/f", "not a url")) {
            assertThatThrownBy(() -> relative(pfn)).as(pfn).isInstanceOf(InvalidObject.class).hasMessageContaining(pfn);
        }
    }

    @Test
    void anotherHostPortSchemeOrPlaceIsRefused() {
        for (String pfn : List.of("file://evil.example.org/srv/rses/disk_a/f", "davs://other.example.org/dpm/data/f",
                "davs://se.example.org:8443/dpm/data/f", "https://se.example.org/dpm/data/f", "file:///etc/passwd",
                "file:///srv/rses/disk_a_other/f", "file:///srv/rses/disk_a", "davs://se.example.org/dpm/f",
                "srm://srm.example.org:8446/pnfs/data/f")) {
            assertThatThrownBy(() -> relative(pfn)).as(pfn).isInstanceOf(InvalidObject.class)
                    .hasMessageContaining(pfn).hasMessageContaining("not under any protocol of RSE 'DISK_A'");
        }
        assertThatThrownBy(() -> PfnPaths.relative("file:///x/f", "s:f", "BARE", List.of()))
                .hasMessageContaining("the RSE has no protocol");
    }
}
