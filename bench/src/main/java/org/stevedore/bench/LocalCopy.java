package org.stevedore.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
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
 * placed under their final name only when verified) and by {@code cp} of the same files in the same run. The local
 * copier's copies are durable when it returns, so the baseline is {@code cp} followed by {@code sync}; plain {@code cp}
 * (whose bytes may still sit in the page cache) is reported too. Each path runs twice, alternating, into fresh
 * directories; the better run of each counts, so neither pays alone for a cold cache.
 */
final class LocalCopy {

    private final Options options;

    LocalCopy(Options options) {
        this.options = options;
    }

    Map<String, Object> run() {
        Path root = root();
        try (LocalCopier copier = new LocalCopier(options.threads())) {
            Path source = Files.createDirectories(root.resolve("source"));
            List<String> checksums = write(source);
            long totalBytes = (long) options.files() * options.size();

            double bestCopier = Double.MAX_VALUE;
            double bestCpSync = Double.MAX_VALUE;
            double bestCp = Double.MAX_VALUE;
            for (int round = 0; round < 2; round++) {
                // Each path starts with no dirty pages (an untimed sync first): otherwise the timed sync of cp + sync
                // would also flush what the plain cp before it left in the page cache, and the copier's fsyncs would
                // not. The source files are in the page cache for all three (read by the first path of round 0).
                run(List.of("sync"));
                bestCp = Math.min(bestCp, cp(source, root.resolve("cp-" + round), false));
                run(List.of("sync"));
                bestCpSync = Math.min(bestCpSync, cp(source, root.resolve("cp-sync-" + round), true));
                run(List.of("sync"));
                bestCopier = Math.min(bestCopier, copier(copier, source, root.resolve("copier-" + round), checksums));
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("scenario", Options.LOCAL_COPY);
            f.put("files", options.files());
            f.put("bytes_per_file", options.size());
            f.put("threads", options.threads());
            f.put("copier_s", round(bestCopier));
            f.put("copier_files_per_s", Math.round(options.files() / bestCopier));
            f.put("copier_mb_per_s", round(totalBytes / 1e6 / bestCopier));
            f.put("cp_sync_s", round(bestCpSync));
            f.put("cp_sync_files_per_s", Math.round(options.files() / bestCpSync));
            f.put("cp_sync_mb_per_s", round(totalBytes / 1e6 / bestCpSync));
            f.put("cp_s", round(bestCp));
            f.put("cp_mb_per_s", round(totalBytes / 1e6 / bestCp));
            f.put("ratio", round(bestCpSync / bestCopier));
            f.put("ratio_to_cp_without_sync", round(bestCp / bestCopier));
            f.put("load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            f.put("verified", true);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(root);
        }
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
