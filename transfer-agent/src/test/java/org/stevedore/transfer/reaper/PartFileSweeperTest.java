package org.stevedore.transfer.reaper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.catalog.rse.RseProtocol;

/** Orphaned partial copies (seen: 12 after 6 kills) go; nothing else under the prefix, and nothing outside it. */
class PartFileSweeperTest {

    @TempDir
    Path tmp;

    private Path file(Path path, Duration age) throws Exception {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "partial");
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().minus(age)));
        return path;
    }

    private static RseProtocol posix(Path prefix) {
        return RseProtocol.fromRucio(Map.of("scheme", "file", "prefix", prefix.toString(),
                "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1))));
    }

    @Test
    void onlyOldPartialCopiesUnderThePrefixAreRemoved() throws Exception {
        Path prefix = tmp.resolve("disk");
        Path orphan = file(prefix.resolve("s/ab/cd/.f1.0b5e.stevedore-part"), Duration.ofHours(2));
        Path fresh = file(prefix.resolve("s/ab/cd/.f2.77aa.stevedore-part"), Duration.ofSeconds(5));
        Path data = file(prefix.resolve("s/ab/cd/f3"), Duration.ofHours(2));
        Path outside = file(tmp.resolve("elsewhere/.f4.1111.stevedore-part"), Duration.ofHours(2));
        Files.createSymbolicLink(prefix.resolve("link"), tmp.resolve("elsewhere"));

        int removed = new PartFileSweeper(Clock.systemUTC(), Duration.ofMinutes(30)).sweep("DISK", posix(prefix));

        assertThat(removed).isEqualTo(1);
        assertThat(orphan).doesNotExist();
        assertThat(fresh).as("a copy may still be writing it").exists();
        assertThat(data).exists();
        assertThat(outside).as("outside the prefix, through a link").exists();
    }

    @Test
    void anRseThatIsNotPosixIsLeftAlone() {
        RseProtocol davs = RseProtocol.fromRucio(Map.of("scheme", "davs", "hostname", "eos.example.org", "port", 443,
                "prefix", tmp.toString(), "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1))));
        assertThat(new PartFileSweeper(Clock.systemUTC(), Duration.ZERO).sweep("EOS", davs)).isZero();
    }
}
