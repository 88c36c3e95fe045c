package org.stevedore.bench;

import java.util.ArrayList;
import java.util.List;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.replica.NewReplica;

/**
 * The files a scenario registers: {@code files} files split into datasets of {@code datasetSize} (the last one
 * possibly smaller), with deterministic names, sizes and checksums so every run and both write paths see the same
 * data.
 */
record Workload(String account, String scope, String rse, int files, int datasetSize) {

    static Workload of(Options options) {
        return new Workload("bench", "mc16_13tev", "BENCH_DISK", options.files(), options.datasetSize());
    }

    int datasets() {
        return (files + datasetSize - 1) / datasetSize;
    }

    DidRef dataset(int d) {
        return new DidRef(scope, "bench.dataset.%06d".formatted(d));
    }

    int first(int d) {
        return d * datasetSize;
    }

    int end(int d) {
        return Math.min(files, first(d) + datasetSize);
    }

    String fileName(int i) {
        return "bench.file.%09d.root".formatted(i);
    }

    long bytes(int i) {
        // Sizes of a few hundred MB, varied so the dataset byte counters are checked against a non-trivial sum.
        return 100_000_000L + (i * 7_919L) % 900_000_000L;
    }

    String adler32(int i) {
        return "%08x".formatted(i * 2_654_435_761L & 0xffffffffL);
    }

    /** The replicas of dataset {@code d}, as the REST bulk endpoint would build them from its request body. */
    List<NewReplica> replicas(int d) {
        return replicasOf(first(d), end(d));
    }

    /**
     * The replicas of files {@code from} (inclusive) to {@code to} (exclusive): a million files' worth held at once
     * is hundreds of MB of the bench's own in a 1 GiB heap, so scenarios at that size make them a request at a time.
     */
    List<NewReplica> replicasOf(int from, int to) {
        List<NewReplica> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            out.add(NewReplica.of(scope, fileName(i), bytes(i), adler32(i)));
        }
        return out;
    }

    /** The DIDs of files {@code from} (inclusive) to {@code to} (exclusive). */
    List<DidRef> files(int from, int to) {
        List<DidRef> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            out.add(new DidRef(scope, fileName(i)));
        }
        return out;
    }

    long datasetBytes(int d) {
        long sum = 0;
        for (int i = first(d); i < end(d); i++) {
            sum += bytes(i);
        }
        return sum;
    }

    long totalBytes() {
        long sum = 0;
        for (int i = 0; i < files; i++) {
            sum += bytes(i);
        }
        return sum;
    }
}
