package org.stevedore.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.Adler32;
import org.stevedore.transfer.local.CopyRequest;
import org.stevedore.transfer.local.CopyResult;
import org.stevedore.transfer.local.LocalCopier;

/**
 * {@code local-copy}: N random files of S bytes, copied by the local copier (checksummed while copying, fsynced,
 * placed under their final name only when verified and reported only when that name is durable) and by {@code cp}
 * of the same files in the same run. The local copier's copies are durable when it returns, so the baseline is
 * {@code cp} followed by {@code sync}; plain {@code cp} (whose bytes may still sit in the page cache) is reported too.
 *
 * <p>Fairness: every timed path copies into a fresh directory, starts with no dirty pages (an untimed {@code sync}
 * first, else the timed {@code sync} of cp + sync would also flush what the path before it left behind) and reads
 * sources that are in the page cache (written by this run and read by every round). The copier's thread pools are
 * started and its code warmed by one untimed copy of every file first, as in a running server; cp pays its process
 * start every time, as the conveyor would if it ran cp. The order of the three paths rotates from round to round, so
 * that none always runs right after another's writes. Each destination is removed right after its path is timed and
 * checked, and the untimed {@code sync} before the next path commits that removal (and the discards the file system
 * issues for it), so no path pays for another's deletions. Keeping every destination until the end, as this
 * benchmark once did, was unfair to whichever path writes through the page cache: on the VMs measured, page-cache
 * pages the guest has not touched before cost several times more to fill, and the kept copies (1.5 GB a round) pushed
 * every later buffered write into such memory ({@code cp} of 500 MiB went from 0.3 s to 1.5-1.9 s of system time after
 * the first 1.5 GB; it was fast again once those copies were deleted). A server in steady state reuses its page
 * cache.
 *
 * <p>Variance: on a shared two-core machine single runs of either path vary by a factor of two. Each path runs
 * {@code --rounds} times; {@code ratio} is the median cp + sync time over the median copier time, and the range of
 * the per-round ratios (each round's cp + sync over the same round's copier, which ran under the same load) is
 * printed beside it, with each side's median, best and worst.
 */
final class LocalCopy {

    private enum Contender { CP, CP_SYNC, COPIER }

    private final Options options;

    LocalCopy(Options options) {
        this.options = options;
    }

    Map<String, Object> run() {
        Path root = root();
        try (LocalCopier copier = new LocalCopier(options.threads(), options.fsyncs())) {
            Path source = Files.createDirectories(root.resolve("source"));
            List<String> checksums = write(source);
            long totalBytes = (long) options.files() * options.size();
            double loadBefore = loadAverage();

            run(List.of("sync"));
            copier(copier, source, root.resolve("warm-up"), checksums);
            delete(root.resolve("warm-up"));

            Map<Contender, double[]> seconds = new EnumMap<>(Contender.class);
            for (Contender path : Contender.values()) {
                seconds.put(path, new double[options.rounds()]);
            }
            Contender[] order = Contender.values();
            for (int round = 0; round < options.rounds(); round++) {
                for (int i = 0; i < order.length; i++) {
                    Contender path = order[(round + i) % order.length];
                    Path into = root.resolve(path.name().toLowerCase(Locale.ROOT) + "-" + round);
                    run(List.of("sync"));
                    seconds.get(path)[round] = switch (path) {
                        case CP -> cp(source, into, false);
                        case CP_SYNC -> cp(source, into, true);
                        case COPIER -> copier(copier, source, into, checksums);
                    };
                    delete(into);
                }
            }
            double[] ratios = new double[options.rounds()];
            for (int round = 0; round < options.rounds(); round++) {
                ratios[round] = seconds.get(Contender.CP_SYNC)[round] / seconds.get(Contender.COPIER)[round];
            }
            double copierS = median(seconds.get(Contender.COPIER));
            double cpSyncS = median(seconds.get(Contender.CP_SYNC));
            double cpS = median(seconds.get(Contender.CP));

            Map<String, Object> f = new LinkedHashMap<>();
            f.put("scenario", Options.LOCAL_COPY);
            f.put("files", options.files());
            f.put("bytes_per_file", options.size());
            f.put("threads", options.threads());
            f.put("fsyncs", options.fsyncs());
            f.put("rounds", options.rounds());
            f.put("copier_s", round(copierS));
            f.put("copier_s_range", range(seconds.get(Contender.COPIER)));
            f.put("copier_files_per_s", Math.round(options.files() / copierS));
            f.put("copier_mb_per_s", round(totalBytes / 1e6 / copierS));
            f.put("cp_sync_s", round(cpSyncS));
            f.put("cp_sync_s_range", range(seconds.get(Contender.CP_SYNC)));
            f.put("cp_sync_files_per_s", Math.round(options.files() / cpSyncS));
            f.put("cp_sync_mb_per_s", round(totalBytes / 1e6 / cpSyncS));
            f.put("cp_s", round(cpS));
            f.put("cp_s_range", range(seconds.get(Contender.CP)));
            f.put("cp_mb_per_s", round(totalBytes / 1e6 / cpS));
            f.put("ratio", round(cpSyncS / copierS));
            f.put("ratio_per_round_range", range(ratios));
            f.put("ratio_of_best", round(min(seconds.get(Contender.CP_SYNC)) / min(seconds.get(Contender.COPIER))));
            f.put("ratio_to_cp_without_sync", round(cpS / copierS));
            f.put("load_average_before", round(loadBefore));
            f.put("load_average_after", round(loadAverage()));
            f.put("verified", true);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(root);
        }
    }

    /** The middle value; for an even count the mean of the two middle ones. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    private static List<Double> range(double[] values) {
        return List.of(round(min(values)), round(Arrays.stream(values).max().orElseThrow()));
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private Path root() {
        try {
            return options.dataDir() == null ? Files.createTempDirectory("stevedore-bench-copy")
                    : Files.createTempDirectory(Files.createDirectories(options.dataDir()), "stevedore-bench-copy");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the files with random content; answers their adler32s. */
    private List<String> write(Path dir) throws IOException {
        Random random = new Random(42);
        byte[] block = new byte[1 << 16];
        List<String> checksums = new ArrayList<>();
        for (int i = 0; i < options.files(); i++) {
            Adler32 adler = new Adler32();
            try (OutputStream out = Files.newOutputStream(dir.resolve(name(i)))) {
                for (long left = options.size(); left > 0; ) {
                    random.nextBytes(block);
                    int n = (int) Math.min(block.length, left);
                    out.write(block, 0, n);
                    adler.update(block, 0, n);
                    left -= n;
                }
            }
            checksums.add("%08x".formatted(adler.getValue()));
        }
        return checksums;
    }

    private static String name(int i) {
        return "file.%07d.dat".formatted(i);
    }

    /** Seconds for one {@code cp} of every file into {@code into} (then {@code sync} when asked). */
    private double cp(Path source, Path into, boolean sync) throws IOException {
        Files.createDirectories(into);
        List<String> command = new ArrayList<>(List.of("cp", "-r", "-T", source.toString(), into.toString()));
        long t0 = System.nanoTime();
        run(command);
        if (sync) {
            run(List.of("sync"));
        }
        double s = (System.nanoTime() - t0) / 1e9;
        try (Stream<Path> copied = Files.list(into)) {
            if (copied.count() != options.files()) {
                throw new BenchmarkFailed("cp did not copy every file into " + into);
            }
        }
        return s;
    }

    private double copier(LocalCopier copier, Path source, Path into, List<String> checksums) {
        List<CopyRequest> requests = new ArrayList<>(options.files());
        for (int i = 0; i < options.files(); i++) {
            requests.add(new CopyRequest("f" + i, source.resolve(name(i)).toUri().toString(),
                    into.resolve(name(i)).toUri().toString(), options.size(), checksums.get(i)));
        }
        long t0 = System.nanoTime();
        List<CopyResult> results = copier.copy(requests);
        double s = (System.nanoTime() - t0) / 1e9;
        for (CopyResult r : results) {
            if (!r.isDone()) {
                throw new BenchmarkFailed("the local copier failed " + r.request().id() + ": " + r.reason());
            }
        }
        try (Stream<Path> copied = Files.list(into)) {
            if (copied.count() != options.files()) {
                throw new BenchmarkFailed("the local copier left other than one file per copy in " + into);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s;
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).inheritIO().redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new BenchmarkFailed(String.join(" ", command) + " failed");
            }
        } catch (IOException e) {
            throw new BenchmarkFailed("cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailed("interrupted");
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static void delete(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not remove " + root, e);
        }
    }
}
