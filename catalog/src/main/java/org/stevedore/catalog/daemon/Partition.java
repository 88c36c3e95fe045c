package org.stevedore.catalog.daemon;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The share of the work one worker takes: worker {@code index} of {@code count} live workers of an executable owns
 * every key whose {@linkplain #bucket(String) bucket} mod {@code count} is {@code index}. Every worker derives its
 * partition from the same sorted list of live heartbeats, so the shares neither overlap nor leave gaps once the
 * heartbeats have settled.
 *
 * <p>Filtering in Cypher: Neo4j has no hash function that matches one computed in Java, and recomputing a hash over
 * millions of rows per query would be slow anyway. So work nodes carry the bucket as an integer property
 * {@value #BUCKET_PROPERTY}, computed once in Java with {@link #bucket(String)} when the node is created; a work query
 * then appends {@link #cypherFilter(String)} and binds {@link #cypherParams()}. The full bucket is stored, not
 * {@code bucket mod n}, because {@code n} changes whenever a worker starts or dies.
 */
public record Partition(int index, int count) {

    /** The property that holds {@link #bucket(String)} on work nodes. */
    public static final String BUCKET_PROPERTY = "hash_bucket";
    public static final String INDEX_PARAM = "partition_index";
    public static final String COUNT_PARAM = "partition_count";

    public Partition {
        if (count < 1) {
            throw new IllegalArgumentException("partition count must be at least 1, got " + count);
        }
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("partition index must be in [0, " + count + "), got " + index);
        }
    }

    /** The whole key space, for a worker that runs alone. */
    public static Partition whole() {
        return new Partition(0, 1);
    }

    /**
     * The stable hash of {@code key}, in [0, 2^32): CRC32 of its UTF-8 bytes, passed through MurmurHash3's 32-bit
     * finalizer so that the low bits (which {@code mod n} looks at) are well mixed even for keys that differ in a
     * few characters only. Stored on nodes and compared across processes and releases: changing it needs a migration.
     */
    public static long bucket(String key) {
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        int h = (int) crc.getValue();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return Integer.toUnsignedLong(h);
    }

    public boolean owns(String key) {
        return ownsBucket(bucket(key));
    }

    /** Whether a stored {@value #BUCKET_PROPERTY} value falls in this partition. */
    public boolean ownsBucket(long bucket) {
        return Math.floorMod(bucket, (long) count) == index;
    }

    /**
     * A Cypher predicate selecting the nodes bound to {@code variable} that this partition owns, for example
     * {@code "r.hash_bucket % $partition_count = $partition_index"}; bind {@link #cypherParams()}. Buckets are never
     * negative, so Cypher's {@code %} agrees with {@link #ownsBucket(long)}. A node without the property never matches.
     */
    public String cypherFilter(String variable) {
        return variable + "." + BUCKET_PROPERTY + " % $" + COUNT_PARAM + " = $" + INDEX_PARAM;
    }

    public Map<String, Object> cypherParams() {
        return Map.of(INDEX_PARAM, (long) index, COUNT_PARAM, (long) count);
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
