package org.stevedore.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.stevedore.transfer.local.LocalCopier;

/**
 * The parsed command line.
 *
 * @param files       files to register (catalog-ingest) or in the listed dataset (list-replicas); deliveries
 *                    (webhook-delivery)
 * @param datasetSize files per dataset, and per service call: one bulk request of the REST endpoint
 * @param batch       rows per {@code UNWIND} statement of the raw write
 * @param repeat      timed listings (list-replicas)
 * @param warmup      untimed listings before them
 * @param warmupFiles files written untimed by each path of catalog-ingest on a throwaway store first; files carried
 *                    untimed through transfer-pipeline before the timed ones
 * @param dataDir     where the temporary stores go (the system temp directory when null)
 * @param pageCacheMb Neo4j page cache; off-heap, so it does not count against -Xmx
 * @param window      files in flight at most (campaign)
 * @param size        bytes per file (local-copy)
 * @param threads     copies at a time of the local copier (local-copy)
 * @param rate        bridge-release: files whose transfers finish per second
 * @param rounds      timed rounds of each path (local-copy)
 * @param fsyncs      files the local copier makes durable at once (local-copy)
 * @param pollMs      bridge-release: how often the emulated poller finishes the transfers landed since (0: every 50
 *                    files' worth of the rate)
 * @param instances   scale-out: the most instances; the scenario runs 1, 2, ... up to this many
 * @param sizes       every value of {@code --files} (one unless a comma-separated list was given: then the scenario
 *                    runs once per size, back to back in this process, and {@code files} is the first)
 */
record Options(String scenario, int files, int datasetSize, int batch, int repeat, int warmup, int warmupFiles,
               Path dataDir, int pageCacheMb, int window, long size, int threads,
               int rate, int rounds, int fsyncs, int pollMs, int instances, List<Integer> sizes) {

    static final String CATALOG_INGEST = "catalog-ingest";
    static final String LIST_REPLICAS = "list-replicas";
    static final String RULE_EVALUATION = "rule-evaluation";
    static final String REEVALUATION = "reevaluation";
    static final String UNDERTAKER = "undertaker";
    static final String CAMPAIGN = "campaign";
    static final String TAPE_RECALL = "tape-recall";
    static final String WEBHOOK_DELIVERY = "webhook-delivery";
    static final String TRANSFER_PIPELINE = "transfer-pipeline";
    static final String LOCAL_COPY = "local-copy";
    static final String BRIDGE_RELEASE = "bridge-release";
    static final String REAPER = "reaper";
    static final String CONSISTENCY = "consistency";
    static final String BLOCKING = "blocking";
    static final String SCALE_OUT = "scale-out";
    static final String FLOOR = "floor";
    static final List<String> SCENARIOS = List.of(
            CATALOG_INGEST,
            LIST_REPLICAS,
            RULE_EVALUATION,
            REEVALUATION,
            UNDERTAKER,
            CAMPAIGN,
            TAPE_RECALL,
            WEBHOOK_DELIVERY,
            TRANSFER_PIPELINE,
            LOCAL_COPY,
            BRIDGE_RELEASE,
            REAPER,
            CONSISTENCY,
            BLOCKING,
            SCALE_OUT,
            FLOOR);

    static final String USAGE = """
            usage: java -jar stevedore-bench.jar SCENARIO [options]
              scenarios:
                catalog-ingest   register files with replicas on one RSE, attached to datasets, through the
                                 service layer of the REST bulk endpoint; then the same graph with raw UNWIND
                                 Cypher on a fresh store; prints files/s of both and their ratio
                list-replicas    list the replicas of one dataset repeatedly; prints p50/p99/min/max ms
                rule-evaluation  one rule (1 copy) on a dataset of N files whose replicas are elsewhere; time from
                                 the call to every lock, COPYING replica and QUEUED request written; locks/s
                reevaluation     attach N files to a dataset with 3 rules; time until every lock exists; locks/s
                undertaker       expired datasets of --dataset-size files, each with a rule; time until the
                                 undertaker has removed them (--batch datasets per cycle); datasets/s
                campaign         a pre-staging campaign of N files, window W, against an emulated tape of 4 drives
                                 (400 MB/s, 90 s mounts) in emulated time; throughput as a fraction of the
                                 drives' bandwidth, CPU time per file
                tape-recall      the emulated tape library (4 drives, 10 TB buffer) recalls N files spread over
                                 8 cartridges, in stage requests of 200, played event by event on a simulated
                                 clock; prints the simulated makespan and throughput against the drives' bound,
                                 and the wall time the simulation took
                webhook-delivery N webhook deliveries (--files) enqueued as releases do, then sent to a local
                                 consumer; enqueues/s, sends/s, and release-to-consumer latency with wake-up
                transfer-pipeline  a rule of N files between two RSEs served by the in-process FTS3 emulator
                                 (zero transfer time): submitter and poller threads carry it from QUEUED to
                                 AVAILABLE; files/s and FTS HTTP requests per 100 files
                local-copy       N files of --size bytes copied by the local copier (verified, fsynced) and by
                                 cp (then sync) in the same run; both rates and their ratio
                bridge-release   a workload bridge task of N one-file jobs whose transfers finish at --rate files/s
                                 through the request store; latency from a replica committed AVAILABLE to its job
                                 committed RELEASED (webhook delivery written in the same transaction); p50/p99 ms;
                                 and file landed on disk -> job seen by a long-poll of the feed, p50/p99/max ms
                reaper           N real files of 1 KiB on a posix RSE with OBSOLETE tombstones; time until the
                                 reaper (--batch replicas per claim) deleted them all; deletions/s, bytes freed
                consistency      an RSE of N replicas checked against a storage dump of N lines (shuffled, 0.1%
                                 missing, 0.1% dark): sort on disk, merge with the catalog in path order,
                                 missing declared bad; files compared/s
                blocking         a workload bridge task of N one-file HELD jobs, its inputs queued, submitted,
                                 stuck, lost or without replica; "what blocks this task" (one graph query) asked
                                 --repeat times after --warmup; p50/max ms and files per reason
                scale-out        one external Neo4j server in its own JVM; for 1, 2, ... --instances instances
                                 (each its own driver, submitter and poller on its partition of the queue) a rule
                                 of N files through the FTS3 emulator, QUEUED -> AVAILABLE; files/s per instance
                                 count, the store process's CPU share, files submitted more than once; then
                                 the release path: N bridge jobs (6 tasks) released as their transfers finish,
                                 each instance finishing and releasing its partition; jobs/s, the store's CPU
                                 share, jobs released more than once
                floor            what Neo4j's record format costs per node, relationship, property and index
                                 entry (N of each, bare UNWIND, interleaved); the rule path's layout projected
              options:
                --files N[,M...]   files (default 100000; 10000 for list-replicas, webhook-delivery,
                                   bridge-release and blocking; 20000 for tape-recall; 500 for local-copy)
                --jobs N           bridge-release: the same as --files (one file per job)
                --rate N           bridge-release: transfers finishing per second (default 1000)
                --poll-ms N        bridge-release: the poller finishes what landed every N ms (default 0: every
                                   50 files' worth of the rate); the conveyor's idle sleep is 1000
                --dataset-size N   files per dataset and per bulk request (default 1000)
                --batch N          rows per raw UNWIND statement (default 10000); undertaker: DIDs per cycle
                --repeat N         timed listings (default 50)
                --warmup N         untimed listings first (default 5)
                --warmup-files N   catalog-ingest: files each path writes untimed on a throwaway store
                                   first, so the JIT warm-up does not land on one path; transfer-pipeline:
                                   files carried untimed first, in whole claims (default 20000; 0: none)
                --data-dir DIR     where the temporary stores go (default: the system temp directory)
                --page-cache-mb N  Neo4j page cache, off-heap (default 512)
                --window N         campaign: files in flight at most (default 5000)
                                   (transfer-pipeline: --batch is the submitter's claim size, default 10000)
                --size BYTES       local-copy: bytes per file (default 1048576)
                --threads N        local-copy: parallel copies of the local copier (default 4)
                --fsyncs N         local-copy: files the local copier makes durable at once (default 16)
                --rounds N         local-copy: timed rounds of each path; medians count (default 5)
                --instances N      scale-out: the most instances (default 3)
              With --files N,M,... the scenario runs once per size, back to back in one process (the machine's
              drift between sizes stays small), and one JSON line gives every run, the headline rate of each and
              the ratio of the last size's rate to the first's.
            One JSON line of figures goes to stdout; logs go to stderr.""";

    static Options parse(String[] args) {
        if (args.length == 0) {
            throw new UsageException("no scenario given");
        }
        String scenario = args[0];
        if (!SCENARIOS.contains(scenario)) {
            throw new UsageException("unknown scenario '" + scenario + "'");
        }
        int files = scenario.equals(LIST_REPLICAS) || scenario.equals(WEBHOOK_DELIVERY)
                || scenario.equals(BRIDGE_RELEASE) || scenario.equals(BLOCKING) ? 10_000
                : scenario.equals(TAPE_RECALL) ? 20_000 : scenario.equals(LOCAL_COPY) ? 500 : 100_000;
        int rate = 1_000;
        int datasetSize = 1_000;
        int batch = 10_000;
        int repeat = 50;
        int warmup = 5;
        int warmupFiles = 20_000;
        Path dataDir = null;
        int pageCacheMb = 512;
        int window = 5_000;
        long size = 1 << 20;
        int threads = 4;
        int rounds = 5;
        int fsyncs = LocalCopier.DEFAULT_FSYNCS;
        int pollMs = 0;
        int instances = 3;
        List<Integer> sizes = null;
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new UsageException("option " + option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--files", "--jobs" -> {
                    sizes = new ArrayList<>();
                    for (String one : value.split(",", -1)) {
                        sizes.add(positive(option, one));
                    }
                    files = sizes.get(0);
                }
                case "--rate" -> rate = positive(option, value);
                case "--dataset-size" -> datasetSize = positive(option, value);
                case "--batch" -> batch = positive(option, value);
                case "--repeat" -> repeat = positive(option, value);
                case "--warmup" -> warmup = nonNegative(option, value);
                case "--warmup-files" -> warmupFiles = nonNegative(option, value);
                case "--data-dir" -> dataDir = Path.of(value);
                case "--page-cache-mb" -> pageCacheMb = positive(option, value);
                case "--window" -> window = positive(option, value);
                case "--size" -> size = positive(option, value);
                case "--threads" -> threads = positive(option, value);
                case "--fsyncs" -> fsyncs = positive(option, value);
                case "--rounds" -> rounds = positive(option, value);
                case "--poll-ms" -> pollMs = nonNegative(option, value);
                case "--instances" -> instances = positive(option, value);
                default -> throw new UsageException("unknown option '" + option + "'");
            }
        }
        if (sizes != null && sizes.size() > 1 && !Scaling.supports(scenario)) {
            throw new UsageException("scenario '" + scenario + "' takes one --files value");
        }
        return new Options(scenario, files, datasetSize, batch, repeat, warmup, warmupFiles, dataDir, pageCacheMb, window,
                size, threads, rate, rounds, fsyncs, pollMs, instances, sizes == null ? List.of(files) : List.copyOf(sizes));
    }

    /** The same options for a run of {@code n} files. */
    Options withFiles(int n) {
        return new Options(scenario, n, datasetSize, batch, repeat, warmup, warmupFiles, dataDir, pageCacheMb, window,
                size, threads, rate, rounds, fsyncs, pollMs, instances, List.of(n));
    }

    private static int positive(String option, String value) {
        int n = integer(option, value);
        if (n <= 0) {
            throw new UsageException(option + " must be positive, not " + value);
        }
        return n;
    }

    private static int nonNegative(String option, String value) {
        int n = integer(option, value);
        if (n < 0) {
            throw new UsageException(option + " must not be negative, not " + value);
        }
        return n;
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs an integer, not '" + value + "'");
        }
    }
}
