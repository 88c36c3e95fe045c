package org.stevedore.tape.emulator;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Objects;

/**
 * How the {@link TapeEmulator} behaves: a tape library with {@code drives} drives in front of a disk buffer.
 *
 * @param drives           drives that read (recall) and write (migrate) cartridges, one cartridge each at a time
 * @param mountLatency     time from a drive choosing a cartridge to the first byte: unmount of the previous one,
 *                         robot, load and thread
 * @param driveBandwidth   streaming rate of one drive, bytes per second
 * @param positioningTime  time to locate a file on the mounted cartridge before streaming it, unless it directly
 *                         follows the last file read (or is the cartridge's first file, right after the mount)
 * @param bufferCapacity   size of the disk buffer, bytes; recalls wait while it is full of pinned files
 * @param tapeCapacity     bytes per cartridge: files registered without a cartridge, and written files, fill
 *                         cartridges in turn in this order
 */
public record TapeEmulatorSettings(int drives, Duration mountLatency, long driveBandwidth, Duration positioningTime,
                                   long bufferCapacity, long tapeCapacity) {

    public TapeEmulatorSettings {
        if (drives < 1) {
            throw new IllegalArgumentException("drives must be >= 1, got " + drives);
        }
        requireNotNegative("mountLatency", mountLatency);
        requireNotNegative("positioningTime", positioningTime);
        if (driveBandwidth < 1) {
            throw new IllegalArgumentException("driveBandwidth must be >= 1 byte/s, got " + driveBandwidth);
        }
        if (bufferCapacity < 1) {
            throw new IllegalArgumentException("bufferCapacity must be >= 1 byte, got " + bufferCapacity);
        }
        if (tapeCapacity < 1) {
            throw new IllegalArgumentException("tapeCapacity must be >= 1 byte, got " + tapeCapacity);
        }
    }

    /**
     * Roughly a small production library: 4 drives at 400 MB/s (LTO-9), 90 s to mount, 20 s to locate a file,
     * a 10 TB disk buffer, 18 TB cartridges.
     */
    public static TapeEmulatorSettings library() {
        return new TapeEmulatorSettings(4, Duration.ofSeconds(90), 400_000_000L, Duration.ofSeconds(20),
                10_000_000_000_000L, 18_000_000_000_000L);
    }

    /** For the embedded default and demos: 2 drives at 200 MB/s, 2 s to mount, no positioning, 2 GB buffer. */
    public static TapeEmulatorSettings quick() {
        return new TapeEmulatorSettings(2, Duration.ofSeconds(2), 200_000_000L, Duration.ZERO,
                2_000_000_000L, 100_000_000_000L);
    }

    public TapeEmulatorSettings withDrives(int count, long bandwidth) {
        return new TapeEmulatorSettings(count, mountLatency, bandwidth, positioningTime, bufferCapacity, tapeCapacity);
    }

    public TapeEmulatorSettings withLatencies(Duration mount, Duration positioning) {
        return new TapeEmulatorSettings(drives, mount, driveBandwidth, positioning, bufferCapacity, tapeCapacity);
    }

    public TapeEmulatorSettings withBufferCapacity(long bytes) {
        return new TapeEmulatorSettings(drives, mountLatency, driveBandwidth, positioningTime, bytes, tapeCapacity);
    }

    public TapeEmulatorSettings withTapeCapacity(long bytes) {
        return new TapeEmulatorSettings(drives, mountLatency, driveBandwidth, positioningTime, bufferCapacity, bytes);
    }

    /** Time one drive spends streaming a file at its bandwidth. */
    Duration streamTime(long bytes) {
        long seconds = bytes / driveBandwidth;
        long nanos = BigInteger.valueOf(bytes % driveBandwidth).multiply(BigInteger.valueOf(1_000_000_000L))
                .divide(BigInteger.valueOf(driveBandwidth)).longValueExact();
        return Duration.ofSeconds(seconds, nanos);
    }

    private static void requireNotNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
    }
}
