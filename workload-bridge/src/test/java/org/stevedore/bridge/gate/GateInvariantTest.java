package org.stevedore.bridge.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.stevedore.bridge.BridgeFixture;
import org.stevedore.bridge.error.InvalidJobState;
import org.stevedore.bridge.task.TaskEnder.EndState;
import org.stevedore.bridge.task.TaskRegistration;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;

/**
 * The gate's invariant under random orders of transfers finishing or failing, job ends and task cancellations: no job
 * is ever released with an input not on one of its task's RSEs, every HELD job of a live task whose inputs are all
 * there is released by the next cycle, and each task's release numbers are 1..n without gaps or repeats. The checks
 * read the graph with their own queries, not the gate's.
 */
class GateInvariantTest extends StoreTest {

    private static final String[] EXPRESSIONS = {"DISK_A", "DISK_A|DISK_B", "DISK_B"};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 1_2026})
    void noJobIsReleasedEarlyAndNoneIsLeftBehind(long seed) throws Exception {
        Random random = new Random(seed);
        BridgeFixture f = new BridgeFixture(store, MutableClock.at("2026-11-22T10:00:00Z"));
        List<String> files = f.files("f", 12, "SRC");
        List<String> tasks = new ArrayList<>();
        for (int t = 0; t < EXPRESSIONS.length; t++) {
            List<String> inputs = new ArrayList<>(files);
            java.util.Collections.shuffle(inputs, random);
            inputs = inputs.subList(0, 4 + random.nextInt(5));
            List<TaskRegistration.JobSpec> jobs = new ArrayList<>();
            for (int from = 0, j = 0; from < inputs.size(); j++) {
                int n = 1 + random.nextInt(3);
                jobs.add(new TaskRegistration.JobSpec("t" + t + ".j" + j,
                        inputs.subList(from, Math.min(inputs.size(), from + n))));
                from += n;
            }
            String id = "t" + t;
            f.registrar.register(new TaskRegistration(id, inputs, EXPRESSIONS[t], 86400, null, jobs, null, null), "jdoe");
            tasks.add(id);
        }
        List<String> pending = new ArrayList<>(f.submitAll());
        assertThat(pending).isNotEmpty();
        int steps = 0;
        while (!pending.isEmpty() || steps < 10) {
            steps++;
            int dice = random.nextInt(100);
            if (dice < 60 && !pending.isEmpty()) {
                String key = pending.remove(random.nextInt(pending.size()));
                boolean done = random.nextInt(100) < 85;
                f.outcomes.finish(List.of(new org.stevedore.transfer.store.RequestOutcomes.Outcome(key, done,
                        done ? null : "checksum mismatch")), 0);
            } else if (dice < 67) {
                String task = tasks.get(random.nextInt(tasks.size()));
                if ("ACTIVE".equals(f.bridge.task(task).orElseThrow().state())) {
                    f.ender.cancel(task);
                }
            } else if (dice < 90) {
                var jobs = f.bridge.jobs(tasks.get(random.nextInt(tasks.size())));
                var job = jobs.get(random.nextInt(jobs.size()));
                EndState end = EndState.values()[random.nextInt(3)];
                try {
                    f.ender.endJob(job.id(), end);
                } catch (InvalidJobState expected) {
                    // ending a HELD job as done/failed, or an ended job otherwise: refused, nothing changes
                }
            } else {
                f.gate.checkPartition(Partition.whole());
            }
            f.worker.runOnce(Partition.whole());
            check(f, tasks);
        }
        assertThat(f.heard).isNotEmpty();
    }

    private static void check(BridgeFixture f, List<String> tasks) {
        Map<String, Set<String>> availableOn = new HashMap<>();
        List<org.neo4j.driver.Record> jobs = f.store.read(tx -> {
            tx.run("MATCH (f:Did)-[r:REPLICA {state: 'AVAILABLE'}]->(rse:Rse) RETURN f.key AS k, rse.id AS rse").list()
                    .forEach(r -> availableOn.computeIfAbsent(r.get("k").asString(), k -> new HashSet<>())
                            .add(r.get("rse").asString()));
            return tx.run("""
                    MATCH (t:BridgeTask)-[:HAS_JOB]->(j:BridgeJob)
                    RETURN t.id AS task, t.state AS task_state, t.rse_ids AS rses, t.release_seq AS last, j.id AS job,
                           j.state AS state, j.seq AS seq, [(j)-[:NEEDS]->(f) | f.key] AS files
                    """).list();
        });
        Map<String, List<Long>> seqs = new HashMap<>();
        Map<String, Long> last = new HashMap<>();
        for (var r : jobs) {
            String task = r.get("task").asString();
            Set<String> rses = new HashSet<>(r.get("rses").asList(org.neo4j.driver.Value::asString));
            boolean onDisk = r.get("files").asList(org.neo4j.driver.Value::asString).stream().allMatch(k ->
                    availableOn.getOrDefault(k, Set.of()).stream().anyMatch(rses::contains));
            String job = r.get("job").asString();
            last.put(task, r.get("last").asLong());
            seqs.computeIfAbsent(task, t -> new ArrayList<>());
            if (!r.get("seq").isNull()) {
                assertThat(onDisk).as("job %s was released with an input not on disk", job).isTrue();
                seqs.get(task).add(r.get("seq").asLong());
            } else if ("ACTIVE".equals(r.get("task_state").asString()) && "HELD".equals(r.get("state").asString())) {
                assertThat(onDisk).as("job %s has every input on disk but is still held", job).isFalse();
            }
        }
        assertThat(seqs.keySet()).containsExactlyInAnyOrderElementsOf(tasks);
        seqs.forEach((task, numbers) -> assertThat(numbers).as("release numbers of %s", task)
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, last.get(task)).boxed().toList()));
    }
}
