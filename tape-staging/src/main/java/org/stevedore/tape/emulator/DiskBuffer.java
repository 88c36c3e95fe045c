package org.stevedore.tape.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The emulated disk buffer: bytes in use (resident files plus space reserved for reads in progress) never exceed the
 * capacity. A resident file carries pins, one per stage request, each with an expiry. Files that are on tape and
 * unpinned are evictable, least recently unpinned first; files still waiting to be written to tape never are.
 * Expiries and eviction candidates are kept sorted, so a busy buffer costs log(n) per event, not n.
 * Not thread-safe: the emulator guards it.
 */
final class DiskBuffer {

    private record Pin(Instant expiry, String path, String requestId) {
    }

    private record Idle(Instant since, String path) {
    }

    private static final Comparator<Pin> PIN_ORDER = Comparator.comparing(Pin::expiry)
            .thenComparing(Pin::path).thenComparing(Pin::requestId);
    private static final Comparator<Idle> IDLE_ORDER = Comparator.comparing(Idle::since).thenComparing(Idle::path);

    private static final class Resident {
        final long size;
        final Map<String, Pin> pins = new HashMap<>();
        boolean onTape;
        Idle idle;

        Resident(long size, boolean onTape) {
            this.size = size;
            this.onTape = onTape;
        }
    }

    private final long capacity;
    private final Map<String, Resident> residents = new HashMap<>();
    private final TreeSet<Pin> expiries = new TreeSet<>(PIN_ORDER);
    private final TreeSet<Idle> evictable = new TreeSet<>(IDLE_ORDER);
    private long evictableBytes;
    private long used;
    private long peak;

    DiskBuffer(long capacity) {
        this.capacity = capacity;
    }

    long capacity() {
        return capacity;
    }

    long used() {
        return used;
    }

    long peak() {
        return peak;
    }

    boolean resident(String path) {
        return residents.containsKey(path);
    }

    int pinCount(String path) {
        Resident resident = residents.get(path);
        return resident == null ? 0 : resident.pins.size();
    }

    /**
     * Makes room for {@code bytes} and reserves it, evicting unpinned on-tape files if needed, least recently unpinned
     * first. Evicts nothing when even all evictable files would not make room. Returns the evicted paths, or empty
     * when the space is not there.
     */
    Optional<List<String>> reserve(long bytes) {
        if (used - evictableBytes + bytes > capacity) {
            return Optional.empty();
        }
        List<String> evicted = new ArrayList<>();
        while (used + bytes > capacity) {
            Idle oldest = evictable.first();
            evicted.add(oldest.path());
            drop(oldest.path());
        }
        grow(bytes);
        return Optional.of(evicted);
    }

    void cancelReservation(long bytes) {
        used -= bytes;
    }

    /** A reserved read (or an accepted write) has landed: the file is resident and unpinned. */
    void land(String path, long bytes, boolean onTape, Instant now) {
        Resident resident = new Resident(bytes, onTape);
        residents.put(path, resident);
        refresh(path, resident, now);
    }

    void markOnTape(String path, Instant now) {
        Resident resident = residents.get(path);
        if (resident != null && !resident.onTape) {
            resident.onTape = true;
            refresh(path, resident, now);
        }
    }

    /** Pins a resident file for a request until {@code expiry}; a later pin of the same request replaces it. */
    void pin(String path, String requestId, Instant expiry, Instant now) {
        Resident resident = residents.get(path);
        if (resident == null) {
            return;
        }
        Pin pin = new Pin(expiry, path, requestId);
        Pin previous = resident.pins.put(requestId, pin);
        if (previous != null) {
            expiries.remove(previous);
        }
        expiries.add(pin);
        refresh(path, resident, now);
    }

    void unpin(String path, String requestId, Instant now) {
        Resident resident = residents.get(path);
        if (resident == null) {
            return;
        }
        Pin pin = resident.pins.remove(requestId);
        if (pin != null) {
            expiries.remove(pin);
            refresh(path, resident, now);
        }
    }

    /** Drops every pin whose expiry has come. */
    void expire(Instant now) {
        for (Iterator<Pin> it = expiries.iterator(); it.hasNext(); ) {
            Pin pin = it.next();
            if (pin.expiry().isAfter(now)) {
                break;
            }
            it.remove();
            Resident resident = residents.get(pin.path());
            resident.pins.remove(pin.requestId());
            refresh(pin.path(), resident, now);
        }
    }

    Optional<Instant> nextExpiry() {
        return expiries.isEmpty() ? Optional.empty() : Optional.of(expiries.first().expiry());
    }

    /** Removes a file whatever its pins (evicted or lost); returns whether it was resident. */
    boolean drop(String path) {
        Resident resident = residents.remove(path);
        if (resident == null) {
            return false;
        }
        resident.pins.values().forEach(expiries::remove);
        if (resident.idle != null) {
            evictable.remove(resident.idle);
            evictableBytes -= resident.size;
        }
        used -= resident.size;
        return true;
    }

    /** Keeps the evictable set in step with a resident's pins and tape copy. */
    private void refresh(String path, Resident resident, Instant now) {
        boolean shouldBeIdle = resident.onTape && resident.pins.isEmpty();
        if (shouldBeIdle && resident.idle == null) {
            resident.idle = new Idle(now, path);
            evictable.add(resident.idle);
            evictableBytes += resident.size;
        } else if (!shouldBeIdle && resident.idle != null) {
            evictable.remove(resident.idle);
            evictableBytes -= resident.size;
            resident.idle = null;
        }
    }

    private void grow(long bytes) {
        used += bytes;
        peak = Math.max(peak, used);
    }
}
