package org.stevedore.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What {@code GET /instances} says about who owns what: the live instances, and per worker (executable) the
 * partition each of their threads owns. The scale-out test reads it after a takeover: only the survivors listed, and
 * every worker's partitions owned exactly once among them.
 *
 * @param instances the answer's documents, one per live instance
 */
record OwnershipView(List<Map<String, Object>> instances) {

    static OwnershipView of(Http root) {
        return new OwnershipView(Http.list(Http.expect(root.get("/instances"), 200)).stream()
                .map(OwnershipView::map).toList());
    }

    /** The {@code host|pid} keys of the live instances. */
    Set<String> keys() {
        return instances.stream().map(i -> String.valueOf(i.get("instance"))).collect(Collectors.toCollection(
                TreeSet::new));
    }

    /**
     * Where the ownership is not exactly one owner per partition: for each worker, its threads on all instances
     * must agree on the number of partitions, that number must be the number of its threads, and each index must be
     * owned once. Empty when it is.
     */
    List<String> gaps() {
        Map<String, List<Map<String, Object>>> byExecutable = new TreeMap<>();
        for (Map<String, Object> instance : instances) {
            for (Object w : (List<?>) instance.get("workers")) {
                Map<String, Object> worker = map(w);
                byExecutable.computeIfAbsent(String.valueOf(worker.get("executable")), e -> new ArrayList<>())
                        .add(worker);
            }
        }
        List<String> gaps = new ArrayList<>();
        byExecutable.forEach((executable, threads) -> {
            Set<Object> counts = threads.stream().map(t -> t.get("partition_count")).collect(Collectors.toSet());
            List<Integer> indexes = threads.stream().map(t -> ((Number) t.get("partition_index")).intValue())
                    .sorted().toList();
            List<Integer> expected = IntStream.range(0, threads.size()).boxed().toList();
            if (!counts.equals(Set.of(threads.size())) || !indexes.equals(expected)) {
                gaps.add(executable + ": " + threads.size() + " threads own partitions " + indexes + " of " + counts);
            }
        });
        return gaps;
    }

    /** Each worker with its partitions per instance, e.g. {@code conveyor-poller=[0/2 on h|1, 1/2 on h|2]}. */
    Map<String, List<String>> byWorker() {
        Map<String, List<String>> view = new TreeMap<>();
        for (Map<String, Object> instance : instances) {
            for (Object w : (List<?>) instance.get("workers")) {
                Map<String, Object> worker = map(w);
                view.computeIfAbsent(String.valueOf(worker.get("executable")), e -> new ArrayList<>())
                        .add(worker.get("partition") + " on " + instance.get("instance"));
            }
        }
        return view;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
