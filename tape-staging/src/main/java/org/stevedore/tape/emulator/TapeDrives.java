package org.stevedore.tape.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drives of the emulated library and the work queued for them, per cartridge: which cartridge a free drive
 * mounts, which file it streams next and for how long. What a finished recall or migration means for requests and
 * the buffer is the emulator's ({@link Outcomes}). Not thread-safe: the emulator guards it.
 */
final class TapeDrives {

    /** What happens when a drive is done with a file, or when making room evicted files. */
    interface Outcomes {
        void landed(TapeJob recall, Instant now);

        void migrated(TapeJob migration, Instant now);

        void evicted(List<String> paths);
    }

    private static final Logger log = LoggerFactory.getLogger(TapeDrives.class);

    private final TapeEmulatorSettings settings;
    private final DiskBuffer buffer;
    private final Outcomes outcomes;
    private final List<Drive> drives = new ArrayList<>();
    /** Every file of each cartridge in tape order (path order): what "directly follows" means for positioning. */
    private final Map<String, TreeSet<String>> contents = new HashMap<>();
    /** Queued work per cartridge, by path (tape order). */
    private final Map<String, TreeMap<String, TapeJob>> queues = new HashMap<>();
    /** When each cartridge's queue last went from empty to non-empty: the oldest queue is mounted first. */
    private final Map<String, Instant> queuedSince = new HashMap<>();
    /** Migrations queued per cartridge. */
    private final Map<String, Integer> writesQueued = new HashMap<>();

    TapeDrives(TapeEmulatorSettings settings, DiskBuffer buffer, Outcomes outcomes) {
        this.settings = settings;
        this.buffer = buffer;
        this.outcomes = outcomes;
        for (int i = 0; i < settings.drives(); i++) {
            drives.add(new Drive(i));
        }
    }

    /** Records a file's place on its cartridge. */
    void placed(String tape, String path) {
        contents.computeIfAbsent(tape, t -> new TreeSet<>()).add(path);
    }

    /** When the next busy drive is done, if any is busy. */
    Optional<Instant> nextFinish() {
        return drives.stream().filter(d -> !d.idle()).map(d -> d.busyUntil).min(Comparator.naturalOrder());
    }

    /** Ends the work of every drive due by {@code now}. */
    void finishDue(Instant now) {
        for (Drive drive : drives) {
            if (!drive.idle() && !drive.busyUntil.isAfter(now)) {
                TapeJob job = drive.job;
                Drive.Activity activity = drive.activity;
                drive.activity = Drive.Activity.IDLE;
                drive.job = null;
                drive.busyUntil = null;
                if (activity == Drive.Activity.READING) {
                    outcomes.landed(job, now);
                } else if (activity == Drive.Activity.WRITING) {
                    outcomes.migrated(job, now);
                }
            }
        }
    }

    /**
     * Gives every idle drive work: more of its own cartridge first, then the cartridge that has waited longest. A drive
     * whose next recall waits for buffer space may leave its cartridge for one with files to migrate: migrations make
     * buffer space evictable, so waiting on them could otherwise wait forever.
     */
    void dispatch(Instant now) {
        for (Drive drive : drives) {
            if (drive.idle() && drive.tape != null) {
                startNext(drive, now);
            }
        }
        List<String> waiting = queuedSince.entrySet().stream()
                .sorted(Map.Entry.<String, Instant>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .filter(tape -> holder(tape) == null)
                .toList();
        for (String tape : waiting) {
            boolean migrations = writesQueued.getOrDefault(tape, 0) > 0;
            Drive free = drives.stream()
                    .filter(d -> d.idle() && (d.tape == null || !queues.containsKey(d.tape) || migrations))
                    .min(Comparator.comparing((Drive d) -> d.tape != null && queues.containsKey(d.tape)))
                    .orElse(null);
            if (free != null) {
                mount(free, tape, now);
            }
        }
    }

    TapeJob enqueue(TapeJob job, Instant now) {
        TreeMap<String, TapeJob> queue = queues.computeIfAbsent(job.file.tape, t -> new TreeMap<>());
        if (queue.isEmpty()) {
            queuedSince.put(job.file.tape, now);
        }
        queue.put(job.file.path, job);
        if (job.write) {
            writesQueued.merge(job.file.tape, 1, Integer::sum);
        }
        return job;
    }

    void dequeue(TapeJob job) {
        TreeMap<String, TapeJob> queue = queues.get(job.file.tape);
        if (queue == null || queue.remove(job.file.path) == null) {
            return;
        }
        if (job.write) {
            writesQueued.computeIfPresent(job.file.tape, (t, n) -> n > 1 ? n - 1 : null);
        }
        if (queue.isEmpty()) {
            queues.remove(job.file.tape);
            queuedSince.remove(job.file.tape);
        }
    }

    boolean inDrive(TapeJob job) {
        return drives.stream().anyMatch(d -> d.job == job);
    }

    boolean mounting(String tape) {
        Drive drive = holder(tape);
        return drive != null && drive.activity == Drive.Activity.MOUNTING;
    }

    private Drive holder(String tape) {
        return drives.stream().filter(d -> tape.equals(d.tape)).findFirst().orElse(null);
    }

    private void mount(Drive drive, String tape, Instant now) {
        drive.tape = tape;
        drive.lastPath = null;
        drive.activity = Drive.Activity.MOUNTING;
        drive.busyUntil = now.plus(settings.mountLatency());
        queues.get(tape).values().forEach(job -> job.waiters.forEach(e -> e.started(now)));
        log.debug("Emulated tape: drive {} mounts {}", drive.index, tape);
    }

    /**
     * Starts the next file of the drive's cartridge after the last one streamed. A recall needs buffer space; without
     * it the drive migrates a written file of the same cartridge if there is one, else stays idle until space frees.
     */
    private void startNext(Drive drive, Instant now) {
        TreeMap<String, TapeJob> queue = queues.get(drive.tape);
        if (queue == null) {
            return;
        }
        Map.Entry<String, TapeJob> next = drive.lastPath == null ? null : queue.higherEntry(drive.lastPath);
        TapeJob job = (next != null ? next : queue.firstEntry()).getValue();
        if (!job.write) {
            Optional<List<String>> room = buffer.reserve(job.file.size);
            if (room.isPresent()) {
                outcomes.evicted(room.get());
            } else if (writesQueued.getOrDefault(drive.tape, 0) > 0) {
                job = queue.values().stream().filter(j -> j.write).findFirst().orElseThrow();
            } else {
                return;
            }
        }
        dequeue(job);
        TreeSet<String> cartridge = contents.get(drive.tape);
        boolean follows = job.file.path.equals(drive.lastPath == null ? cartridge.first() : cartridge.higher(drive.lastPath));
        drive.job = job;
        drive.lastPath = job.file.path;
        drive.activity = job.write ? Drive.Activity.WRITING : Drive.Activity.READING;
        Duration streaming = settings.streamTime(job.file.size);
        drive.busyUntil = now.plus(follows ? streaming : streaming.plus(settings.positioningTime()));
        job.waiters.forEach(e -> e.started(now));
    }
}
