package org.stevedore.catalog.rse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.error.InvalidValueForKey;
import org.stevedore.catalog.error.UnsupportedOperation;

/** Expected md5 values were computed outside Java, e.g. {@code printf 'user.jdoe:file1' | md5sum}. */
class Lfn2PfnTest {

    @Test
    void hashPathOfAUserScopeTurnsTheScopeIntoDirectories() {
        // md5("user.jdoe:file1") = a2cb9a0d5cc9af4113099078b1fbebac
        assertThat(Lfn2Pfn.hash("user.jdoe", "file1")).isEqualTo("user/jdoe/a2/cb/file1");
    }

    @Test
    void hashPathKeepsTheDotsOfAnOrdinaryScope() {
        // md5("data24_13p6TeV:AOD.123._000001.pool.root.1") = 5b6070b8cbd5ccfbb5ec5937615558a8
        assertThat(Lfn2Pfn.hash("data24_13p6TeV", "AOD.123._000001.pool.root.1"))
                .isEqualTo("data24_13p6TeV/5b/60/AOD.123._000001.pool.root.1");
    }

    @Test
    void userAndGroupScopesSplitOnEveryDotAsRucioDoes() {
        // md5("user.jdoe.sub:f") = 55c7185379de603cc3f224e89d427e0c
        assertThat(Lfn2Pfn.hash("user.jdoe.sub", "f")).isEqualTo("user/jdoe/sub/55/c7/f");
        // md5("group.phys-higgs:x.root") = 1fc1ae62f7fd680ecec55348889f7902
        assertThat(Lfn2Pfn.hash("group.phys-higgs", "x.root")).isEqualTo("group/phys-higgs/1f/c1/x.root");
    }

    @Test
    void identityPathIsScopeThenName() {
        assertThat(Lfn2Pfn.identity("data24", "run1/f.root")).isEqualTo("data24/run1/f.root");
        assertThat(Lfn2Pfn.identity("user.jdoe", "f.root")).isEqualTo("user/jdoe/f.root");
        assertThat(Lfn2Pfn.path(Lfn2Pfn.IDENTITY, "data24", "f")).isEqualTo("data24/f");
        assertThat(Lfn2Pfn.path(Lfn2Pfn.HASH, "user.jdoe", "file1")).isEqualTo("user/jdoe/a2/cb/file1");
    }

    @Test
    void unknownAlgorithmIsRefused() {
        assertThatThrownBy(() -> Lfn2Pfn.path("belleii", "s", "n"))
                .isInstanceOf(InvalidValueForKey.class).hasMessageContaining("'belleii'");
    }

    @Test
    void pfnJoinsHostPortPrefixAndPathWithSingleSlashes() {
        RseProtocol davs = protocol("davs", "se.example.org", 443, "/pnfs/example.org/data/", null);
        assertThat(Lfn2Pfn.pfn(davs, "user/jdoe/a2/cb/file1"))
                .isEqualTo("davs://se.example.org:443/pnfs/example.org/data/user/jdoe/a2/cb/file1");
        RseProtocol root = protocol("root", "eos.example.org", 1094, "eos//atlas", null);
        assertThat(Lfn2Pfn.pfn(root, "/x/y")).isEqualTo("root://eos.example.org:1094/eos/atlas/x/y");
    }

    @Test
    void pfnWithoutPortOrPrefix() {
        assertThat(Lfn2Pfn.pfn(protocol("https", "h.example", 0, "", null), "a/b")).isEqualTo("https://h.example/a/b");
    }

    @Test
    void fileSchemeWithoutHostnameGivesAnAbsolutePath() {
        RseProtocol file = protocol("file", null, 0, "/data/rses/LOCAL_DISK/", null);
        assertThat(Lfn2Pfn.pfn(file, "user/jdoe/a2/cb/file1"))
                .isEqualTo("file:///data/rses/LOCAL_DISK/user/jdoe/a2/cb/file1");
        assertThat(Lfn2Pfn.pfn(protocol("file", "", 0, "relative/dir", null), "f")).isEqualTo("file:///relative/dir/f");
    }

    @Test
    void srmPfnCarriesTheWebServicePath() {
        RseProtocol srm = protocol("srm", "srm.example.org", 8446, "/pnfs/data/",
                Map.of("web_service_path", "/srm/managerv2?SFN="));
        assertThat(Lfn2Pfn.pfn(srm, "s/f")).isEqualTo("srm://srm.example.org:8446/srm/managerv2?SFN=/pnfs/data/s/f");
    }

    @Test
    void pfnOfAFileOnADeterministicRseUsesItsAlgorithm() {
        RseProtocol davs = protocol("davs", "se.example.org", 443, "/data", null);
        assertThat(Lfn2Pfn.pfn(rse(true, Lfn2Pfn.HASH), davs, "user.jdoe", "file1"))
                .isEqualTo("davs://se.example.org:443/data/user/jdoe/a2/cb/file1");
        assertThat(Lfn2Pfn.pfn(rse(true, Lfn2Pfn.IDENTITY), davs, "user.jdoe", "file1"))
                .isEqualTo("davs://se.example.org:443/data/user/jdoe/file1");
        assertThatThrownBy(() -> Lfn2Pfn.pfn(rse(false, Lfn2Pfn.HASH), davs, "user.jdoe", "file1"))
                .isInstanceOf(UnsupportedOperation.class).hasMessageContaining("not deterministic");
    }

    private static RseProtocol protocol(String scheme, String host, int port, String prefix, Map<String, Object> ext) {
        return new RseProtocol(scheme, host, port, prefix, null, 1, 1, 1, 1, 1, 1, 1, 1, ext);
    }

    private static Rse rse(boolean deterministic, String algorithm) {
        Instant t = Instant.EPOCH;
        return new Rse("0123456789abcdef0123456789abcdef", "SITE_DISK", RseType.DISK, deterministic, false, false,
                true, true, true, null, null, null, null, null, null, null, null, null, null, algorithm, true, t, t);
    }

    @Test
    void theScopesWhoseDirectoryHoldAPathInnermostFirst() {
        String[] levels = Lfn2Pfn.hash("user.jdoe", "f").split("/");
        assertThat(Lfn2Pfn.scopesAbove(Lfn2Pfn.hash("user.jdoe", "f"))).containsExactly(
                "user.jdoe." + levels[2] + "." + levels[3], "user.jdoe." + levels[2], "user.jdoe", "user");
        assertThat(Lfn2Pfn.scopesAbove("user/jdoe/sub/f")).containsExactly("user.jdoe.sub", "user.jdoe", "user");
        assertThat(Lfn2Pfn.scopesAbove("data18/raw/f")).containsExactly("data18");
        assertThat(Lfn2Pfn.scopesAbove("user/j.doe/f")).containsExactly("user");
        assertThat(Lfn2Pfn.scopesAbove("user.jdoe/f")).isEmpty();
        assertThat(Lfn2Pfn.scopesAbove("f")).isEmpty();
        for (String scope : List.of("user.jdoe", "group.phys.higgs", "data18", "mc16_13TeV")) {
            assertThat(Lfn2Pfn.scopesAbove(Lfn2Pfn.identity(scope, "a/b"))).as(scope).contains(scope);
            assertThat(Lfn2Pfn.scopesAbove(Lfn2Pfn.hash(scope, "x"))).as(scope).contains(scope);
        }
    }
}
