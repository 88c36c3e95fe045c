package org.stevedore.catalog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PartitionTest {

    private static final List<String> KEYS = IntStream.range(0, 10_000)
            .mapToObj(i -> String.format("data18_13TeV:AOD.%08d.pool.root.1", i)).toList();

    @Test
    void bucketIsPinnedBecauseItIsStoredOnNodesAndComparedAcrossProcesses() {
        // Fixed values: if these change, every stored hash_bucket is wrong and needs a migration.
        assertThat(Partition.bucket("")).isEqualTo(0L);
        assertThat(Partition.bucket("user.jdoe:file.root")).isEqualTo(BUCKET_OF_USER_FILE);
        assertThat(Partition.bucket("\u00fcn\u00efc\u00f6d\u00e9:\u540d\u524d")).isEqualTo(BUCKET_OF_UNICODE);
    }

    // Cross-checked with an independent implementation (Python zlib.crc32 + the same finalizer).
    private static final long BUCKET_OF_USER_FILE = 80_148_621L;
    private static final long BUCKET_OF_UNICODE = 3_725_270_203L;

    @Test
    void bucketsAreNonNegativeAndFitInThirtyTwoBits() {
        assertThat(KEYS).allSatisfy(k -> assertThat(Partition.bucket(k)).isBetween(0L, 0xFFFF_FFFFL));
        assertThat(KEYS.stream().mapToLong(Partition::bucket).max().orElseThrow()).isGreaterThan(Integer.MAX_VALUE);
    }

    @Test
    void everyKeyIsOwnedByExactlyOnePartition() {
        for (int n = 1; n <= 7; n++) {
            for (String key : KEYS) {
                int owners = 0;
                for (int i = 0; i < n; i++) {
                    owners += new Partition(i, n).owns(key) ? 1 : 0;
                }
                assertThat(owners).as("owners of %s among %d", key, n).isEqualTo(1);
            }
        }
    }

    @Test
    void similarKeysSpreadEvenlyOverPartitions() {
        for (int n : new int[] {2, 3, 4, 10}) {
            for (int i = 0; i < n; i++) {
                Partition p = new Partition(i, n);
                long owned = KEYS.stream().filter(p::owns).count();
                double expected = KEYS.size() / (double) n;
                assertThat((double) owned).as("share of %s", p).isBetween(expected * 0.9, expected * 1.1);
            }
        }
    }

    @Test
    void wholeOwnsEverything() {
        assertThat(KEYS).allMatch(Partition.whole()::owns);
    }

    @Test
    void ownsAgreesWithOwnsBucket() {
        Partition p = new Partition(2, 5);
        Set<String> byKey = new HashSet<>();
        Set<String> byBucket = new HashSet<>();
        for (String key : KEYS) {
            if (p.owns(key)) {
                byKey.add(key);
            }
            if (p.ownsBucket(Partition.bucket(key))) {
                byBucket.add(key);
            }
        }
        assertThat(byKey).isNotEmpty().isEqualTo(byBucket);
    }

    @Test
    void refusesImpossiblePartitions() {
        assertThatThrownBy(() -> new Partition(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Partition(2, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Partition(-1, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cypherFilterNamesTheBucketPropertyAndTheParameters() {
        Partition p = new Partition(1, 3);
        assertThat(p.cypherFilter("r")).isEqualTo("r.hash_bucket % $partition_count = $partition_index");
        assertThat(p.cypherParams()).containsEntry("partition_index", 1L).containsEntry("partition_count", 3L);
    }
}
