package org.stevedore.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.e2e.ScaleOutFixture.TestFile;
import org.stevedore.testsupport.Counterparts;
import org.stevedore.testsupport.server.Neo4jServerProcess;
import org.stevedore.testsupport.server.PostgresProcess;

/**
 * Issue 21's scale-out, for real: three instances in their own JVMs on one external Neo4j server and the campaigns'
 * job repository on PostgreSQL, sharing posix storage, one killed with SIGKILL in the middle of the work. Whatever
 * the dead instance held (its in-process local copies, its partitions, its pending webhooks) must be finished by the
 * others: nothing fails, nothing is done twice.
 */
class ScaleOutTest {

    private static final int RULE_FILES = 1_000;
    private static final int TASK_FILES = 30;
    private static final int FILE_BYTES = 64 * 1024;
    private static final Duration START = Duration.ofMinutes(10);
    private static final Duration COMPLETION = Duration.ofMinutes(8);

    @TempDir
    Path dir;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void stopAll() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                // keep stopping the rest
            }
        }
    }

    private <T extends AutoCloseable> T open(T resource) {
        opened.add(resource);
        return resource;
    }

    @Test
    void threeInstancesOneKilledMidWayEverythingCompletesOnceAndNothingFails() throws Exception {
        Counterparts.require(PostgresProcess.available(), "PostgreSQL (Debian package postgresql)");
        Neo4jServerProcess neo4j = open(Neo4jServerProcess.start(dir.resolve("neo4j"), List.of("-Xmx1g")));
        PostgresProcess postgres = open(PostgresProcess.start());
        Map<String, String> settings = ScaleOutFixture.settings(neo4j.boltUri(), neo4j, postgres);
        Map<String, String> secrets = ScaleOutFixture.secrets(neo4j, postgres);

        // The first instance migrates the fresh store and creates root; the other two start together after it.
        ServiceInstance first = open(ServiceInstance.start("i1", dir.resolve("i1"), settings, secrets)).awaitUp(START);
        ServiceInstance second = open(ServiceInstance.start("i2", dir.resolve("i2"), settings, secrets));
        ServiceInstance third = open(ServiceInstance.start("i3", dir.resolve("i3"), settings, secrets));
        CompletableFuture.allOf(CompletableFuture.runAsync(() -> second.awaitUp(START)),
                CompletableFuture.runAsync(() -> third.awaitUp(START))).join();
        Http root = Http.login(first.baseUrl(), "root",
                ScaleOutFixture.read(first.dataDir().resolve("root-password")));

        Path a = dir.resolve("storage").resolve("POSIX_A");
        Path b = dir.resolve("storage").resolve("POSIX_B");
        ScaleOutFixture.posixRse(root, "POSIX_A", a);
        ScaleOutFixture.posixRse(root, "POSIX_B", b);
        Http.expect(root.post("/accounts/root/scopes/scale", Map.of()), 201);
        // At most 20 copies into POSIX_B at a time, released by the instances' throttlers: on an idle machine the
        // 1,000 small copies would otherwise all be done before the kill, which must come mid-way.
        Http.expect(root.put("/rses/POSIX_B/transfer_limits", Map.of("max_transfers", 20)), 200);
        List<TestFile> ruleFiles = ScaleOutFixture.files(root, "scale", "rule_ds", "r", RULE_FILES, FILE_BYTES, a,
                "POSIX_A", b, 1);
        List<TestFile> taskFiles = ScaleOutFixture.files(root, "scale", "task_ds", "t", TASK_FILES, FILE_BYTES, a,
                "POSIX_A", b, 2);
        List<TestFile> all = new ArrayList<>(ruleFiles);
        all.addAll(taskFiles);
        Set<Path> watched = new HashSet<>();
        all.forEach(f -> watched.add(b.resolve(f.path()).getParent()));
        WriteLog writes = open(new WriteLog(watched));
        WebhookReceiver receiver = open(new WebhookReceiver());

        // The rule through one instance, the task through another: the work is the store's, not the entry point's.
        String ruleId = (String) Http.list(Http.expect(root.at(second.baseUrl()).post("/rules/", Map.of(
                "dids", List.of(Map.of("scope", "scale", "name", "rule_ds")), "copies", 1,
                "rse_expression", "POSIX_B")), 201)).get(0);
        Http.expect(root.at(third.baseUrl()).post("/bridge/tasks", Map.of("taskId", "scale-task",
                "inputs", List.of("scale:task_ds"), "rseExpression", "POSIX_B", "pinLifetime", 3600,
                "split", Map.of("filesPerJob", 1), "webhook", Map.of("url", receiver.url(), "secret", "s3cret"))),
                201);

        // Kill one instance once a tenth of the rule is done: it holds claimed requests and copies in flight.
        long deadline = System.nanoTime() + COMPLETION.toNanos();
        while (locksOk(root, ruleId) < RULE_FILES / 10 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        int okAtKill = locksOk(root, ruleId);
        second.kill();
        Thread.sleep(2_000);
        // Copies begun and not placed when the instance died (some of them its own): these may be begun again.
        Map<String, Integer> placedAtKill = writes.placed();
        Set<String> inFlightAtKill = new HashSet<>(writes.started().keySet());
        inFlightAtKill.removeAll(placedAtKill.keySet());

        Map<String, Object> rule = Map.of();
        while (System.nanoTime() < deadline) {
            rule = Http.object(Http.expect(root.get("/rules/" + ruleId), 200));
            if ("OK".equals(rule.get("state")) && receiver.deliveriesByJob().size() >= TASK_FILES) {
                break;
            }
            Thread.sleep(1_000);
        }
        Thread.sleep(3_000); // late duplicates, if any, have time to show

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(okAtKill).as("locks OK when i2 was killed (the kill came mid-way)")
                .isGreaterThanOrEqualTo(RULE_FILES / 10).isLessThan(RULE_FILES);
        soft.assertThat(rule.get("state")).as("the rule's state, after the kill").isEqualTo("OK");
        soft.assertThat(rule.get("locks_ok_cnt")).as("locks OK").isEqualTo(RULE_FILES);
        for (TestFile f : all) {
            soft.assertThat(ScaleOutFixture.sha256(b.resolve(f.path()))).as("sha256 of the copy of " + f.name())
                    .isEqualTo(ScaleOutFixture.sha256(a.resolve(f.path())));
        }
        List<Map<String, Object>> failed = Http.lines(Http.expect(root.get("/requests/list?state=FAILED"), 200));
        soft.assertThat(failed).as("FAILED requests").isEmpty();

        soft.assertThat(writes.overflowed()).as("the write log lost events").isFalse();
        Map<String, Integer> placed = writes.placed();
        Map<String, Integer> started = writes.started();
        for (TestFile f : all) {
            soft.assertThat(placed.getOrDefault(f.name(), 0)).as("times " + f.name() + " was placed").isEqualTo(1);
            int most = inFlightAtKill.contains(f.name()) ? 2 : 1;
            soft.assertThat(started.getOrDefault(f.name(), 0)).as("copies of " + f.name() + " begun"
                    + (most == 2 ? " (in flight at the kill)" : "")).isBetween(1, most);
        }

        Map<String, Integer> byJob = receiver.deliveriesByJob();
        soft.assertThat(byJob).as("jobs announced by webhook").hasSize(TASK_FILES);
        byJob.forEach((job, n) -> soft.assertThat(n).as("webhook deliveries naming " + job).isEqualTo(1));
        receiver.deliveriesByKey().forEach((key, n) -> soft.assertThat(n).as("deliveries of " + key).isEqualTo(1));
        Map<String, Object> feed = Http.object(Http.expect(root.get("/bridge/tasks/scale-task/jobs?after=0"), 200));
        List<?> released = (List<?>) feed.get("jobs");
        soft.assertThat(released).as("jobs in the released feed").hasSize(TASK_FILES);
        soft.assertThat(released.stream().map(j -> ((Map<?, ?>) j).get("jobId")).distinct().count())
                .as("distinct jobs in the released feed").isEqualTo((long) TASK_FILES);

        soft.assertThat(first.isAlive()).as("i1 alive").isTrue();
        soft.assertThat(third.isAlive()).as("i3 alive").isTrue();
        if (!soft.errorsCollected().isEmpty()) {
            System.out.println("--- i1 log tail ---\n" + first.logTail() + "\n--- i3 log tail ---\n" + third.logTail());
        }
        soft.assertAll();
    }

    private static int locksOk(Http root, String ruleId) {
        Object n = Http.object(Http.expect(root.get("/rules/" + ruleId), 200)).get("locks_ok_cnt");
        return n instanceof Number number ? number.intValue() : 0;
    }
}
