package org.stevedore.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One scenario at several sizes ({@code --files 100000,1000000}), back to back in one process: this machine drifts by
 * a quarter between hours, so only rates measured side by side tell whether a scenario's rate holds as N grows. Prints
 * every run whole, the headline rate of each, and the ratio of the last size's rate to the first's.
 */
final class Scaling {

    /** The figure each scenario is judged by, where it has one rate that should not fall with N. */
    private static final Map<String, String> HEADLINE = Map.of(
            Options.CATALOG_INGEST, "service_files_per_s",
            Options.LIST_REPLICAS, "files_listed_per_s",
            Options.RULE_EVALUATION, "locks_per_s",
            Options.REEVALUATION, "locks_per_s",
            Options.CONSISTENCY, "files_compared_per_s",
            Options.REAPER, "deletions_per_s",
            Options.UNDERTAKER, "replicas_released_per_s",
            Options.TRANSFER_PIPELINE, "files_per_s");

    private final Function<Options, Map<String, Object>> scenario;

    Scaling(Function<Options, Map<String, Object>> scenario) {
        this.scenario = scenario;
    }

    /** Whether the scenario has a headline rate to compare across sizes. */
    static boolean supports(String scenario) {
        return HEADLINE.containsKey(scenario);
    }

    Map<String, Object> run(Options options) {
        String headline = HEADLINE.get(options.scenario());
        List<Map<String, Object>> runs = new ArrayList<>();
        List<Object> rates = new ArrayList<>();
        List<Object> heapPeaks = new ArrayList<>();
        for (int n : options.sizes()) {
            Map<String, Object> run = scenario.apply(options.withFiles(n));
            runs.add(run);
            rates.add(run.get(headline));
            heapPeaks.add(run.get("heap_peak_after_gc_mb"));
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("scenario", options.scenario());
        f.put("sizes", options.sizes());
        f.put("rate", headline);
        f.put("rates", rates);
        double first = ((Number) rates.get(0)).doubleValue();
        double last = ((Number) rates.get(rates.size() - 1)).doubleValue();
        f.put("ratio_last_to_first", Math.round(last / first * 1000) / 1000.0);
        f.put("heap_peak_after_gc_mb", heapPeaks);
        f.put("load_average", CatalogIngest.loadAverage());
        f.put("runs", runs);
        return f;
    }
}
