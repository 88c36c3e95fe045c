package org.stevedore.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchTest {

    private final ObjectMapper json = new ObjectMapper();

    private record Outcome(int code, String out, String err) {
    }

    private Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Bench(json, Clock.systemUTC()).run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private JsonNode singleJsonLine(Outcome o) throws Exception {
        assertThat(o.code()).as("exit code; stderr: %s", o.err()).isZero();
        List<String> lines = o.out().lines().toList();
        assertThat(lines).hasSize(1);
        return json.readTree(lines.get(0));
    }

    @Test
    void campaignStagesEveryFileOnceAndReportsTheTapeThroughput(@TempDir Path dir) throws Exception {
        JsonNode f = singleJsonLine(run("campaign", "--files", "600", "--window", "100", "--dataset-size", "250",
                "--data-dir", dir.toString(), "--page-cache-mb", "32"));
        assertThat(f.get("scenario").asText()).isEqualTo("campaign");
        assertThat(f.get("files").asInt()).isEqualTo(600);
        // At most 200 files per request, and never more than the window of 100 at once.
        assertThat(f.get("stage_requests").asInt()).isGreaterThanOrEqualTo(6);
        assertThat(f.get("throughput_fraction").asDouble()).isPositive().isLessThanOrEqualTo(1.0);
        assertThat(f.get("throughput_fraction_mounts_paid").asDouble())
                .isGreaterThanOrEqualTo(f.get("throughput_fraction").asDouble());
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void scaleOutCarriesTheTransferPipelineAndTheReleasePathOnOneServerWithoutDuplicates(@TempDir Path dir)
            throws Exception {
        JsonNode f = singleJsonLine(run("scale-out", "--instances", "2", "--files", "300", "--warmup-files", "0",
                "--batch", "100", "--dataset-size", "150", "--data-dir", dir.toString()));
        assertThat(f.get("scenario").asText()).isEqualTo("scale-out");
        assertThat(f.get("rounds")).hasSize(2);
        assertThat(f.get("duplicate_submissions").asLong()).isZero();
        JsonNode releases = f.get("release_rounds");
        assertThat(releases).hasSize(2);
        for (JsonNode r : releases) {
            assertThat(r.get("jobs_per_s").asLong()).isPositive();
            assertThat(r.get("jobs_not_held").asLong()).as("jobs released").isEqualTo(300);
            assertThat(r.get("store_cpu_share").asDouble()).isBetween(0.0, 1.0);
        }
        assertThat(f.get("release_speedup").get("1").asDouble()).isEqualTo(1.0);
        assertThat(f.get("duplicate_releases").asLong()).isZero();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void blockingGroupsEveryHeldInputByItsReasonInOneQuery(@TempDir Path dir) throws Exception {
        JsonNode f = singleJsonLine(run("blocking", "--files", "300", "--repeat", "3", "--warmup", "1",
                "--data-dir", dir.toString(), "--page-cache-mb", "32"));
        assertThat(f.get("scenario").asText()).isEqualTo("blocking");
        assertThat(f.get("held_jobs").asInt()).isEqualTo(300);
        // Checked by the scenario against what it set up: 6 lost, 6 missing, 30 stuck, the rest on their way.
        assertThat(f.get("files_per_reason").get("TRANSFER").asInt()).isEqualTo(258);
        assertThat(f.get("files_per_reason").get("STUCK").asInt()).isEqualTo(30);
        assertThat(f.get("blocking_max_ms").asDouble()).isGreaterThanOrEqualTo(f.get("blocking_p50_ms").asDouble());
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void catalogIngestPrintsBothRatesForAVerifiedStoreAndRemovesItsStores(@TempDir Path dir) throws Exception {
        // 2,500 files: two full datasets and a partial one; raw batches of two datasets.
        JsonNode f = singleJsonLine(run("catalog-ingest", "--files", "2500", "--batch", "2000", "--warmup-files", "500",
                "--data-dir", dir.toString(), "--page-cache-mb", "32"));
        assertThat(f.get("scenario").asText()).isEqualTo("catalog-ingest");
        assertThat(f.get("files").asInt()).isEqualTo(2500);
        assertThat(f.get("datasets").asInt()).isEqualTo(3);
        assertThat(f.get("verified").asBoolean()).isTrue();
        assertThat(f.get("service_files_per_s").asDouble()).isPositive();
        assertThat(f.get("raw_files_per_s").asDouble()).isPositive();
        assertThat(f.get("ratio").asDouble()).isCloseTo(
                f.get("service_files_per_s").asDouble() / f.get("raw_files_per_s").asDouble(),
                org.assertj.core.data.Offset.offset(0.01));
        assertThat(f.get("raw_batch").asInt()).isEqualTo(2000);
        assertThat(f.get("warmup_files").asInt()).isEqualTo(500);
        assertThat(f.get("heap_peak_used_mb").asLong()).isPositive().isLessThanOrEqualTo(f.get("heap_max_mb").asLong());
        assertThat(f.get("heap_peak_after_gc_mb").asLong()).isPositive().isLessThanOrEqualTo(f.get("heap_peak_used_mb").asLong());
        assertThat(f.get("service_files_per_cpu_s").asDouble()).isPositive();
        assertThat(f.get("raw_files_per_cpu_s").asDouble()).isPositive();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void ruleEvaluationAndReevaluationPrintTheirFloorAfterAWarmUpOfBothPaths(@TempDir Path dir) throws Exception {
        for (String scenario : List.of("rule-evaluation", "reevaluation")) {
            JsonNode f = singleJsonLine(run(scenario, "--files", "600", "--dataset-size", "200", "--warmup-files", "300",
                    "--data-dir", dir.toString(), "--page-cache-mb", "32"));
            assertThat(f.get("scenario").asText()).isEqualTo(scenario);
            assertThat(f.get("verified").asBoolean()).isTrue();
            assertThat(f.get("locks").asLong()).isEqualTo(scenario.equals("rule-evaluation") ? 600 : 1800);
            assertThat(f.get("warmup_files").asInt()).isEqualTo(300);
            assertThat(f.get("raw_locks_per_s").asLong()).isPositive();
            assertThat(f.get("ratio").asDouble()).isPositive();
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void floorPrintsWhatEachKindOfElementCostsAndProjectsTheRuleLayout(@TempDir Path dir) throws Exception {
        JsonNode f = singleJsonLine(run("floor", "--files", "1000", "--data-dir", dir.toString(), "--page-cache-mb", "32"));
        assertThat(f.get("scenario").asText()).isEqualTo("floor");
        assertThat(f.get("elements").asInt()).isEqualTo(1000);
        assertThat(f.get("us_per_element").size()).isEqualTo(7);
        assertThat(f.get("node_us").asDouble()).isPositive();
        assertThat(f.get("relationship_us").asDouble()).isPositive();
        assertThat(f.get("lock_replica_request_us").asDouble()).isPositive();
        assertThat(f.has("lean_us")).isTrue();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void undertakerRemovesEveryExpiredDatasetInBatchesAndVerifiesWhatIsLeft(@TempDir Path dir) throws Exception {
        JsonNode f = singleJsonLine(run("undertaker", "--files", "250", "--dataset-size", "100", "--batch", "2",
                "--data-dir", dir.toString(), "--page-cache-mb", "32"));
        assertThat(f.get("scenario").asText()).isEqualTo("undertaker");
        assertThat(f.get("datasets").asInt()).isEqualTo(3);
        // Two DIDs per cycle: three datasets take two cycles.
        assertThat(f.get("cycles").asInt()).isEqualTo(2);
        assertThat(f.get("verified").asBoolean()).isTrue();
        assertThat(f.get("replicas_released_per_s").asDouble()).isPositive();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void reaperDeletesEveryObsoleteReplicaFromAPosixRseAndCountsTheBytesFreed(@TempDir Path dir) throws Exception {
        JsonNode f = singleJsonLine(run("reaper", "--files", "300", "--dataset-size", "100", "--batch", "120",
                "--data-dir", dir.toString(), "--page-cache-mb", "32"));
        assertThat(f.get("scenario").asText()).isEqualTo("reaper");
        assertThat(f.get("verified").asBoolean()).isTrue();
        // 120 per claim: 300 files take three cycles.
        assertThat(f.get("cycles").asInt()).isEqualTo(3);
        assertThat(f.get("bytes_freed").asLong()).isEqualTo(300L * 1_024);
        assertThat(f.get("deletions_per_s").asDouble()).isPositive();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void consistencyComparesADumpWithTheCatalogAndVerifiesWhatItFound(@TempDir Path dir) throws Exception {
        JsonNode f = singleJsonLine(run("consistency", "--files", "3000", "--batch", "1000",
                "--data-dir", dir.toString(), "--page-cache-mb", "32"));
        assertThat(f.get("scenario").asText()).isEqualTo("consistency");
        assertThat(f.get("missing").asInt()).isEqualTo(3);
        assertThat(f.get("dark").asInt()).isEqualTo(3);
        assertThat(f.get("verified").asBoolean()).isTrue();
        assertThat(f.get("files_compared_per_s").asDouble()).isPositive();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void severalSizesRunBackToBackAndPrintTheirRatesAndTheirRatioInOneLine(@TempDir Path dir) throws Exception {
        JsonNode f = singleJsonLine(run("consistency", "--files", "1000,3000", "--batch", "1000",
                "--data-dir", dir.toString(), "--page-cache-mb", "32"));
        assertThat(f.get("scenario").asText()).isEqualTo("consistency");
        assertThat(f.get("rate").asText()).isEqualTo("files_compared_per_s");
        assertThat(f.get("runs")).hasSize(2);
        assertThat(f.get("runs").get(0).get("files").asInt()).isEqualTo(1000);
        assertThat(f.get("runs").get(1).get("files").asInt()).isEqualTo(3000);
        assertThat(f.get("runs").get(1).get("missing").asInt()).isEqualTo(3);
        double first = f.get("rates").get(0).asDouble();
        double last = f.get("rates").get(1).asDouble();
        assertThat(first).isEqualTo(f.get("runs").get(0).get("files_compared_per_s").asDouble());
        assertThat(f.get("ratio_last_to_first").asDouble()).isCloseTo(last / first, withinPercentage(1));
        assertThat(f.get("heap_peak_after_gc_mb")).hasSize(2);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void listReplicasPrintsOrderedPercentiles(@TempDir Path dir) throws Exception {
        JsonNode f = singleJsonLine(run("list-replicas", "--files", "300", "--dataset-size", "100", "--repeat", "5",
                "--warmup", "1", "--data-dir", dir.toString(), "--page-cache-mb", "32"));
        assertThat(f.get("scenario").asText()).isEqualTo("list-replicas");
        assertThat(f.get("files").asInt()).isEqualTo(300);
        assertThat(f.get("repeat").asInt()).isEqualTo(5);
        assertThat(f.get("verified").asBoolean()).isTrue();
        double min = f.get("min_ms").asDouble();
        double p50 = f.get("p50_ms").asDouble();
        double p99 = f.get("p99_ms").asDouble();
        double max = f.get("max_ms").asDouble();
        assertThat(min).isPositive();
        assertThat(p50).isBetween(min, p99);
        assertThat(p99).isLessThanOrEqualTo(max);
        assertThat(f.get("files_listed_per_s").asDouble()).isPositive();
        // Through the REST endpoint, streamed: the first line is in no later than the whole listing.
        assertThat(f.get("path").asText()).startsWith("GET /replicas/");
        assertThat(f.get("first_line_p50_ms").asDouble()).isPositive().isLessThanOrEqualTo(max);
        assertThat(f.get("store_p50_ms").asDouble()).isPositive();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void transferPipelineCarriesEveryFileToAvailableAndCountsTheFtsRequests(@TempDir Path dir) throws Exception {
        JsonNode f = singleJsonLine(run("transfer-pipeline", "--files", "700", "--dataset-size", "300", "--batch",
                "250", "--warmup-files", "300", "--data-dir", dir.toString(), "--page-cache-mb", "32"));
        assertThat(f.get("scenario").asText()).isEqualTo("transfer-pipeline");
        assertThat(f.get("files").asInt()).isEqualTo(700);
        // Rounded up to whole claims of 250, so the warm-up's last claim takes none of the timed files.
        assertThat(f.get("warmup_files").asInt()).isEqualTo(500);
        assertThat(f.get("verified").asBoolean()).isTrue();
        assertThat(f.get("files_per_s").asLong()).isPositive();
        // The warm-up's own rate is the cold start's figure, beside the warm one.
        assertThat(f.get("cold_files_per_s").asLong()).isPositive();
        assertThat(f.get("cold_jit_compile_s").isNumber()).isTrue();
        // Moving a file through the store allocates: at least its request's key and its job's JSON.
        assertThat(f.get("allocated_kb_per_file").asLong()).isPositive();
        // HotSpot tells its compilers' time: a number, not null.
        assertThat(f.get("jit_compile_s").isNumber()).isTrue();
        // Claims of 250, 250 and 200 on one link, FTS jobs of at most 200 files: 5 jobs, a submission each (the
        // warm-up's jobs, before, are not counted).
        assertThat(f.get("fts_jobs").asInt()).isEqualTo(5);
        assertThat(f.get("fts_requests").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(f.get("fts_requests_per_100_files").asDouble())
                .isEqualTo(Math.round(f.get("fts_requests").asLong() * 10_000.0 / 700) / 100.0);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void localCopyTimesTheCopierAndCpOnTheSameFiles(@TempDir Path dir) throws Exception {
        JsonNode f = singleJsonLine(run("local-copy", "--files", "20", "--size", "70000", "--threads", "2",
                "--fsyncs", "3", "--rounds", "3", "--data-dir", dir.toString()));
        assertThat(f.get("scenario").asText()).isEqualTo("local-copy");
        assertThat(f.get("files").asInt()).isEqualTo(20);
        assertThat(f.get("bytes_per_file").asLong()).isEqualTo(70000);
        assertThat(f.get("fsyncs").asInt()).isEqualTo(3);
        assertThat(f.get("rounds").asInt()).isEqualTo(3);
        assertThat(f.get("copier_s").asDouble()).isPositive();
        assertThat(f.get("cp_sync_s").asDouble()).isPositive();
        // Medians of three rounds: each lies within the range of its rounds.
        for (String side : List.of("copier_s", "cp_sync_s", "cp_s")) {
            JsonNode range = f.get(side + "_range");
            assertThat(range.get(0).asDouble()).as(side).isLessThanOrEqualTo(f.get(side).asDouble());
            assertThat(range.get(1).asDouble()).as(side).isGreaterThanOrEqualTo(f.get(side).asDouble());
        }
        assertThat(f.get("ratio").asDouble())
                .isCloseTo(f.get("cp_sync_s").asDouble() / f.get("copier_s").asDouble(), withinPercentage(10));
        assertThat(f.get("ratio_per_round_range").get(0).asDouble())
                .isLessThanOrEqualTo(f.get("ratio_per_round_range").get(1).asDouble());
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aMedianIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
        assertThat(LocalCopy.median(new double[] {3.0, 1.0, 2.0})).isEqualTo(2.0);
        assertThat(LocalCopy.median(new double[] {4.0, 1.0, 3.0, 2.0})).isEqualTo(2.5);
        assertThat(LocalCopy.median(new double[] {7.0})).isEqualTo(7.0);
    }

    @Test
    void unknownScenarioOrOptionPrintsUsageAndExitsWith2() {
        for (String[] args : List.of(new String[] {}, new String[] {"nope"},
                new String[] {"catalog-ingest", "--fast", "1"}, new String[] {"catalog-ingest", "--files"},
                new String[] {"list-replicas", "--files", "ten"}, new String[] {"list-replicas", "--files", "0"},
                new String[] {"local-copy", "--size", "0"}, new String[] {"local-copy", "--rounds", "0"},
                new String[] {"local-copy", "--fsyncs", "0"}, new String[] {"scale-out", "--instances", "0"},
                new String[] {"campaign", "--files", "100,200"}, new String[] {"consistency", "--files", "100,"})) {
            Outcome o = run(args);
            assertThat(o.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(o.out()).isEmpty();
            assertThat(o.err()).contains("usage:");
        }
    }

    @Test
    void theCpuTimeOfAProcessIsReadFromProc() {
        // The scale-out scenario's store share: this JVM has used some CPU by now; an unknown process has none.
        assertThat(ScaleOutBench.processCpuNanos(ProcessHandle.current().pid())).isPositive();
        assertThat(ScaleOutBench.processCpuNanos(Long.MAX_VALUE)).isEqualTo(-1);
    }

    @Test
    void aStoreMissingWorkIsAFailureNotAFigure() {
        Workload w = new Workload("bench", "s", "R", 2000, 1000);
        Census.Shape shape = new Census.Shape(List.of(), List.of(), List.of(), List.of());
        Census complete = new Census(2000, 2000, w.totalBytes(), 2, 2000, w.totalBytes(), 2000, 0, 2, shape);
        complete.verify(w, "test");
        Census oneReplicaShort = new Census(2000, 1999, w.totalBytes(), 2, 2000, w.totalBytes(), 2000, 0, 2, shape);
        assertThatThrownBy(() -> oneReplicaShort.verify(w, "test"))
                .isInstanceOf(BenchmarkFailed.class).hasMessageContaining("replicas on R: 1999, expected 2000");
        Census looseFile = new Census(2000, 2000, w.totalBytes(), 2, 1999, w.totalBytes(), 1999, 1, 2, shape);
        assertThatThrownBy(() -> looseFile.verify(w, "test")).isInstanceOf(BenchmarkFailed.class)
                .hasMessageContaining("files not in exactly one dataset: 1");
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertThat(ListReplicas.percentile(sorted, 50)).isEqualTo(50);
        assertThat(ListReplicas.percentile(sorted, 99)).isEqualTo(99);
        assertThat(ListReplicas.percentile(new long[] {7}, 99)).isEqualTo(7);
    }

    @Test
    void webhookDeliveryPrintsItsRatesAndTheWakeUpLatencyOfVerifiedDeliveries(@TempDir Path dir) throws Exception {
        JsonNode f = singleJsonLine(run("webhook-delivery", "--files", "120", "--data-dir", dir.toString(),
                "--page-cache-mb", "32"));
        assertThat(f.get("scenario").asText()).isEqualTo("webhook-delivery");
        assertThat(f.get("deliveries").asInt()).isEqualTo(120);
        assertThat(f.get("enqueue_per_s").asDouble()).isPositive();
        assertThat(f.get("send_per_s").asDouble()).isPositive();
        assertThat(f.get("send_cycles").asInt()).isEqualTo(3); // 120 deliveries, 50 per cycle
        assertThat(f.get("latency_p50_ms").asDouble()).isPositive()
                .isLessThanOrEqualTo(f.get("latency_max_ms").asDouble());
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }
}
