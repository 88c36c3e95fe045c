package org.stevedore.catalog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.catalog.time.Sleeper;

class DaemonTest extends StoreTest {

    /** Only a bound on waiting for a thread to get somewhere; nothing asserts how long anything took. */
    private static final long LIVENESS_SECONDS = 60;
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofHours(1);

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T12:00:00Z"));
    private final HeartbeatStore heartbeats = new HeartbeatStore(store, clock, HEARTBEAT_TIMEOUT);
    private final DaemonSettings settings = DaemonSettings.defaults()
            .withIdleSleep(Duration.ofMinutes(50))
            .withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)))
            .withStopTimeout(Duration.ofSeconds(30));
    private final List<Daemon> daemons = new ArrayList<>();

    @AfterEach
    void stopDaemons() {
        daemons.forEach(Daemon::close);
    }

    private Daemon daemon(List<? extends Worker> workers, DaemonSettings settings, Sleeper sleeper) {
        Daemon daemon = new Daemon(workers, heartbeats, settings, sleeper);
        daemons.add(daemon);
        return daemon;
    }

    @Test
    void runOnceBeatsThenRunsOneCycleOnTheCallersThread() throws Exception {
        RecordingWorker worker = new RecordingWorker("judge-evaluator", 3);
        Daemon daemon = daemon(List.of(worker), settings.withHost("host-a"), Sleeper.real());

        List<WorkResult> results = daemon.runOnce();

        assertThat(results).containsExactly(WorkResult.of(3));
        assertThat(worker.calls).hasSize(1);
        Call call = worker.calls.get(0);
        assertThat(call.partition()).isEqualTo(Partition.whole());
        assertThat(call.thread()).isEqualTo(Thread.currentThread().getName());
        assertThat(call.mdc()).containsEntry("executable", "judge-evaluator").containsEntry("worker", "judge-evaluator-0")
                .containsEntry("partition", "0/1");
        assertThat(MDC.get("worker")).as("runOnce leaves the caller's MDC as it was").isNull();
        assertThat(heartbeats.live("judge-evaluator")).extracting(Heartbeat::worker)
                .containsExactly(new WorkerId("judge-evaluator", "host-a", settings.pid(), "judge-evaluator-0"));
        assertThat(daemon.status().get(0).cycles()).isEqualTo(1);

        daemon.close();
        assertThat(heartbeats.live("judge-evaluator")).isEmpty();
    }

    @Test
    void runOnceLetsTheWorkersExceptionThrough() {
        Worker failing = new Worker() {
            @Override
            public String executable() {
                return "undertaker";
            }

            @Override
            public WorkResult runOnce(Partition partition) throws IOException {
                throw new IOException("storage said no");
            }
        };
        Daemon daemon = daemon(List.of(failing), settings, Sleeper.real());

        assertThatThrownBy(daemon::runOnce).isInstanceOf(IOException.class).hasMessage("storage said no");
    }

    @Test
    void twoDaemonsSplitTheKeysAndTheSurvivorTakesOverWhenOneStopsOrDies() throws Exception {
        List<String> keys = IntStream.range(0, 10_000).mapToObj(i -> "data24:RAW." + i).toList();
        KeyWorker onA = new KeyWorker(keys);
        KeyWorker onB = new KeyWorker(keys);
        Daemon a = daemon(List.of(onA), settings.withHost("host-a"), Sleeper.real());
        Daemon b = daemon(List.of(onB), settings.withHost("host-b"), Sleeper.real());

        a.runOnce();
        b.runOnce();
        a.runOnce(); // now A has seen B too

        assertThat(onA.last).isNotEmpty().doesNotContainAnyElementsOf(onB.last);
        assertThat(onB.last).isNotEmpty();
        assertThat(onA.last.size() + onB.last.size()).isEqualTo(keys.size());

        b.close();
        a.runOnce();
        assertThat(onA.last).as("after B stopped").hasSize(keys.size());

        Daemon c = daemon(List.of(new KeyWorker(keys)), settings.withHost("host-c"), Sleeper.real());
        c.runOnce();
        a.runOnce();
        assertThat(onA.last).as("with C alive").hasSizeLessThan(keys.size());
        clock.advance(HEARTBEAT_TIMEOUT.plusSeconds(1)); // C never beats again
        a.runOnce();
        assertThat(onA.last).as("after C died").hasSize(keys.size());
    }

    @Test
    void loopThreadsCarryTheirNameAndMdcAndBeatWithHostPidAndThread() throws Exception {
        RecordingWorker first = new RecordingWorker("reaper", 0);
        RecordingWorker second = new RecordingWorker("reaper", 0);
        Daemon daemon = daemon(List.of(first, second), DaemonSettings.defaults()
                .withIdleSleep(Duration.ofMinutes(50)), Sleeper.real());

        daemon.start();
        Call call0 = first.firstCall.get(LIVENESS_SECONDS, TimeUnit.SECONDS);
        Call call1 = second.firstCall.get(LIVENESS_SECONDS, TimeUnit.SECONDS);

        assertThat(call0.thread()).isEqualTo("reaper-0");
        assertThat(call1.thread()).isEqualTo("reaper-1");
        assertThat(call0.mdc()).containsEntry("executable", "reaper").containsEntry("worker", "reaper-0")
                .containsKey("partition");
        assertThat(heartbeats.live("reaper")).extracting(Heartbeat::worker).containsExactly(
                new WorkerId("reaper", DaemonSettings.localHostName(), ProcessHandle.current().pid(), "reaper-0"),
                new WorkerId("reaper", DaemonSettings.localHostName(), ProcessHandle.current().pid(), "reaper-1"));
        assertThat(daemon.status()).allMatch(WorkerStatus::running);
    }

    @Test
    void aWorkerThatThrowsKeepsRunningBacksOffWithGrowingDelaysAndRecovers() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Worker flaky = new Worker() {
            @Override
            public String executable() {
                return "conveyor-poller";
            }

            @Override
            public WorkResult runOnce(Partition partition) throws Exception {
                int n = calls.incrementAndGet();
                if (n <= 3) {
                    throw new IllegalStateException("FTS answered 503 (" + n + ")");
                }
                if (n <= 5) {
                    throw new IOException("connection reset (" + n + ")");
                }
                return WorkResult.nothing();
            }
        };
        List<Duration> waits = new CopyOnWriteArrayList<>();
        CountDownLatch recovered = new CountDownLatch(1);
        Sleeper recording = (duration, stop) -> {
            waits.add(duration);
            if (duration.equals(settings.idleSleep())) {
                recovered.countDown();
                stop.await(); // idle: wait for the stop like the real sleeper would
            }
            // back-off waits are recorded, not spent
        };
        Daemon daemon = daemon(List.of(flaky), settings, recording);

        daemon.start();
        assertThat(recovered.await(LIVENESS_SECONDS, TimeUnit.SECONDS)).as("loop recovered after failures").isTrue();

        assertThat(waits).hasSize(6);
        long[] ceilings = {100, 200, 400, 800, 1000};
        for (int i = 0; i < ceilings.length; i++) {
            assertThat(waits.get(i)).as("wait after failure %d", i + 1)
                    .isBetween(Duration.ofMillis(ceilings[i] / 2), Duration.ofMillis(ceilings[i]));
        }
        assertThat(waits.get(5)).isEqualTo(settings.idleSleep());
        WorkerStatus status = daemon.status().get(0);
        assertThat(status.running()).isTrue();
        assertThat(status.failures()).isEqualTo(5);
        assertThat(status.consecutiveFailures()).isZero();
        assertThat(status.cycles()).isEqualTo(1);
        assertThat(heartbeats.live("conveyor-poller")).hasSize(1);
    }

    @Test
    void theLoopSleepsOnlyAfterACycleThatFoundNothing() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Worker draining = new Worker() {
            @Override
            public String executable() {
                return "judge-cleaner";
            }

            @Override
            public WorkResult runOnce(Partition partition) {
                return calls.incrementAndGet() <= 3 ? WorkResult.of(100) : WorkResult.nothing();
            }
        };
        CompletableFuture<Integer> callsAtFirstSleep = new CompletableFuture<>();
        Sleeper recording = (duration, stop) -> {
            callsAtFirstSleep.complete(calls.get());
            stop.await();
        };
        Daemon daemon = daemon(List.of(draining), settings, recording);

        daemon.start();

        assertThat(callsAtFirstSleep.get(LIVENESS_SECONDS, TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(daemon.status().get(0).items()).isEqualTo(300);
    }

    @Test
    void stopCutsTheIdleWaitShortEndsTheThreadAndRemovesTheHeartbeat() throws Exception {
        RecordingWorker worker = new RecordingWorker("conveyor-finisher", 0);
        CompletableFuture<String> howTheWaitEnded = new CompletableFuture<>();
        CountDownLatch sleeping = new CountDownLatch(1);
        Sleeper observed = (duration, stop) -> {
            sleeping.countDown();
            try {
                boolean signalled = stop.await(duration.toNanos(), TimeUnit.NANOSECONDS);
                howTheWaitEnded.complete(signalled ? "stop signal" : "timed out");
            } catch (InterruptedException e) {
                howTheWaitEnded.complete("interrupted");
                throw e;
            }
        };
        Daemon daemon = daemon(List.of(worker), settings, observed);
        daemon.start();
        assertThat(sleeping.await(LIVENESS_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(heartbeats.live("conveyor-finisher")).hasSize(1);

        boolean ended = daemon.stop();

        assertThat(ended).isTrue();
        assertThat(howTheWaitEnded.getNow("still waiting")).isEqualTo("stop signal");
        assertThat(daemon.status()).noneMatch(WorkerStatus::running);
        assertThat(worker.calls).hasSize(1);
        assertThat(heartbeats.live("conveyor-finisher")).isEmpty();
        assertThat(store.run("MATCH (h:Heartbeat) RETURN count(h) AS n", Map.of()).get(0).get("n").asLong()).isZero();
        assertThat(daemon.stop()).as("stopping twice is harmless").isTrue();
        assertThatThrownBy(daemon::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesWaitsThatWouldOutliveTheHeartbeat() {
        RecordingWorker worker = new RecordingWorker("reaper", 0);
        assertThatThrownBy(() -> new Daemon(List.of(worker), heartbeats, settings.withIdleSleep(HEARTBEAT_TIMEOUT)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idle sleep");
        assertThatThrownBy(() -> new Daemon(List.of(worker), heartbeats,
                settings.withBackoff(new Backoff(Duration.ofSeconds(1), HEARTBEAT_TIMEOUT.plusSeconds(1)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("back-off");
    }

    private record Call(Partition partition, String thread, Map<String, String> mdc) {
    }

    /** Remembers how it was called; answers a fixed amount of work. */
    private static final class RecordingWorker implements Worker {
        private final String executable;
        private final int items;
        final List<Call> calls = new CopyOnWriteArrayList<>();
        final CompletableFuture<Call> firstCall = new CompletableFuture<>();

        RecordingWorker(String executable, int items) {
            this.executable = executable;
            this.items = items;
        }

        @Override
        public String executable() {
            return executable;
        }

        @Override
        public WorkResult runOnce(Partition partition) {
            Map<String, String> mdc = MDC.getCopyOfContextMap();
            Call call = new Call(partition, Thread.currentThread().getName(), mdc == null ? Map.of() : mdc);
            calls.add(call);
            firstCall.complete(call);
            return WorkResult.of(items);
        }
    }

    /** Takes the keys its partition owns, as a real worker's query would. */
    private static final class KeyWorker implements Worker {
        private final List<String> keys;
        Set<String> last = Set.of();

        KeyWorker(List<String> keys) {
            this.keys = keys;
        }

        @Override
        public String executable() {
            return "conveyor-submitter";
        }

        @Override
        public WorkResult runOnce(Partition partition) {
            Set<String> mine = new HashSet<>();
            keys.stream().filter(partition::owns).forEach(mine::add);
            last = mine;
            return WorkResult.of(mine.size());
        }
    }
}
