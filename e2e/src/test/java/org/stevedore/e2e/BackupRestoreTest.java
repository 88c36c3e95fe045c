package org.stevedore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's guide (docs/operations.md) says an embedded catalog is backed up by stopping the service and copying
 * its data directory, and restored by starting on the copy. This does exactly that with the real service in its own
 * JVM: what was written before the stop is all there after the restore, and the restored instance works (logins with
 * the copied password file, new writes).
 */
class BackupRestoreTest {

    @Test
    void aStoppedEmbeddedCatalogCopiedElsewhereStartsWithEverythingInIt(@TempDir Path work) throws IOException {
        Path original = work.resolve("original");
        Map<String, String> embedded = Map.of("stevedore.consistency.enabled", "false");
        try (ServiceInstance first = ServiceInstance.start("original", original, embedded, Map.of())
                .awaitUp(Duration.ofMinutes(4))) {
            Http root = Http.login(first.baseUrl(), "root", Files.readString(original.resolve("root-password")).trim());
            Http.expect(root.post("/accounts/root/scopes/backup_test", Map.of()), 201);
            Http.expect(root.post("/dids/backup_test/run.raw", Map.of("type", "DATASET")), 201);
            Http.expect(root.post("/dids/backup_test/run.raw/dids", Map.of("rse", "LOCAL_DISK_A", "dids", List.of(
                    Map.of("scope", "backup_test", "name", "f1.raw", "bytes", 10, "adler32", "0000000a"),
                    Map.of("scope", "backup_test", "name", "f2.raw", "bytes", 20, "adler32", "00000014")))), 201);
        }

        Path restored = work.resolve("restored");
        copyTree(original, restored);
        try (ServiceInstance second = ServiceInstance.start("restored", restored, embedded, Map.of())
                .awaitUp(Duration.ofMinutes(4))) {
            Http root = Http.login(second.baseUrl(), "root", Files.readString(restored.resolve("root-password")).trim());
            List<Map<String, Object>> files = Http.lines(Http.expect(root.get("/dids/backup_test/run.raw/files"), 200));
            assertThat(files).extracting(f -> f.get("name")).containsExactlyInAnyOrder("f1.raw", "f2.raw");
            Http.expect(root.post("/dids/backup_test/after.raw", Map.of("type", "DATASET")), 201);
            assertThat(second.log()).doesNotContain("Created account 'root'");
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("instance.log")) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
