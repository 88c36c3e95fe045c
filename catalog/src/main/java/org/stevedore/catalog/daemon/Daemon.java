package org.stevedore.catalog.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.time.Sleeper;

/**
 * Runs workers in the background, one thread each, named {@code <executable>-<n>} where {@code n} counts the workers
 * of that executable in this daemon (the name is also the heartbeat's thread and the MDC's {@code worker}). Each thread
 * beats, runs one cycle on its partition, sleeps {@link DaemonSettings#idleSleep()} only when the cycle found nothing
 * to do, and backs off with jitter when a cycle throws; no exception ends the loop, only {@link #stop()} does.
 *
 * <p>For several threads of one executable, pass several worker instances: a worker instance is only ever called
 * from one thread. Run one daemon per executable per process: two would give their threads the same heartbeat key.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    /** Extra wait for threads that were interrupted after the stop timeout. */
    private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(5);

    private enum State { NEW, RUNNING, STOPPED }

    private final List<WorkerLoop> loops;
    private final HeartbeatStore heartbeats;
    private final DaemonSettings settings;
    private final CountDownLatch stop = new CountDownLatch(1);
    /** Set once by start(); read without the lock so status() never waits behind a stop in progress. */
    private volatile List<Thread> threads = List.of();
    private State state = State.NEW;

    public Daemon(List<? extends Worker> workers, HeartbeatStore heartbeats, DaemonSettings settings) {
        this(workers, heartbeats, settings, Sleeper.real());
    }

    public Daemon(List<? extends Worker> workers, HeartbeatStore heartbeats, DaemonSettings settings, Sleeper sleeper) {
        if (workers.isEmpty()) {
            throw new IllegalArgumentException("a daemon needs at least one worker");
        }
        // A wait as long as the heartbeat timeout would make the sleeping worker look dead to the others.
        requireBelow("idle sleep", settings.idleSleep(), heartbeats.timeout());
        requireBelow("maximum back-off", settings.backoff().max(), heartbeats.timeout());
        this.heartbeats = heartbeats;
        this.settings = settings;
        Map<String, Integer> perExecutable = new HashMap<>();
        List<WorkerLoop> built = new ArrayList<>();
        for (Worker worker : workers) {
            String executable = worker.executable();
            int n = perExecutable.merge(executable, 1, Integer::sum) - 1;
            WorkerId id = new WorkerId(executable, settings.host(), settings.pid(), executable + "-" + n);
            built.add(new WorkerLoop(worker, id, heartbeats, settings, sleeper, stop));
        }
        this.loops = List.copyOf(built);
    }

    /** Starts one thread per worker. A daemon starts once; after {@link #stop()} build a new one. */
    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("daemon already " + state.name().toLowerCase());
        }
        state = State.RUNNING;
        List<Thread> started = new ArrayList<>(loops.size());
        for (WorkerLoop loop : loops) {
            Thread thread = new Thread(loop, loop.id().thread());
            // Stopping is close()'s job; a daemon someone forgot to close must not keep the JVM alive.
            thread.setDaemon(true);
            started.add(thread);
        }
        threads = List.copyOf(started);
        started.forEach(Thread::start);
        log.info("Daemon started {} worker threads on {} pid {}", loops.size(), settings.host(), settings.pid());
    }

    /**
     * One cycle of every worker, in order, on the caller's thread: beat, then {@link Worker#runOnce}. Exceptions
     * propagate, for tests and one-shot runs. Heartbeats stay until {@link #close()}, as they would between cycles.
     */
    public synchronized List<WorkResult> runOnce() throws Exception {
        if (state != State.NEW) {
            throw new IllegalStateException("runOnce is for a daemon that was not started; this one is "
                    + state.name().toLowerCase());
        }
        List<WorkResult> results = new ArrayList<>(loops.size());
        for (WorkerLoop loop : loops) {
            results.add(loop.runOnceHere());
        }
        return results;
    }

    /**
     * Asks every loop to end after its current cycle (cutting any wait short), waits up to the stop timeout, then
     * interrupts the threads still running, and removes this daemon's heartbeats so the other workers take over its
     * share at their next beat. Answers whether every thread ended. Safe to call more than once.
     */
    public synchronized boolean stop() {
        if (state == State.STOPPED) {
            return threads.stream().noneMatch(Thread::isAlive);
        }
        state = State.STOPPED;
        stop.countDown();
        boolean ended = joinAll(settings.stopTimeout());
        if (!ended) {
            threads.stream().filter(Thread::isAlive).forEach(t -> {
                log.warn("Worker thread {} still busy after {}; interrupting it", t.getName(), settings.stopTimeout());
                t.interrupt();
            });
            ended = joinAll(INTERRUPT_GRACE);
        }
        // The threads remove their own heartbeats; this covers runOnce() and threads that did not end.
        for (WorkerLoop loop : loops) {
            try {
                heartbeats.remove(loop.id());
            } catch (RuntimeException e) {
                log.warn("Could not remove heartbeat {}; it expires after {}", loop.id().key(), heartbeats.timeout(), e);
            }
        }
        log.info("Daemon stopped{}", ended ? "" : "; some worker threads did not end");
        return ended;
    }

    @Override
    public void close() {
        stop();
    }

    /** A snapshot of every worker, in the order they were given. */
    public List<WorkerStatus> status() {
        List<Thread> threads = this.threads;
        List<WorkerStatus> statuses = new ArrayList<>(loops.size());
        for (int i = 0; i < loops.size(); i++) {
            boolean running = i < threads.size() && threads.get(i).isAlive();
            statuses.add(loops.get(i).status(running));
        }
        return statuses;
    }

    private boolean joinAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Thread thread : threads) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(thread, left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }

    private static void requireBelow(String what, Duration value, Duration timeout) {
        if (value.compareTo(timeout) >= 0) {
            throw new IllegalArgumentException(what + " " + value + " must be shorter than the heartbeat timeout "
                    + timeout);
        }
    }
}
