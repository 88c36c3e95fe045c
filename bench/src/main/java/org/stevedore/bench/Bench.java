package org.stevedore.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * {@code java -jar stevedore-bench.jar SCENARIO [options]}: runs one scenario on fresh embedded stores and prints its
 * figures as one JSON line on stdout (logs go to stderr). Exit codes: 0 done, 1 failed, 2 bad command line.
 */
public final class Bench {

    private final ObjectMapper json;
    private final Clock clock;

    Bench(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    public static void main(String[] args) {
        int code = new Bench(new ObjectMapper(), Clock.systemUTC()).run(args, System.out, System.err);
        // Exit explicitly: a JVM thread of the embedded server must not keep a finished benchmark alive.
        System.exit(code);
    }

    int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageException e) {
            err.println("stevedore-bench: " + e.getMessage());
            err.println(Options.USAGE);
            return 2;
        }
        try {
            Map<String, Object> figures = options.sizes().size() > 1
                    ? new Scaling(this::figures).run(options)
                    : figures(options);
            out.println(json.writeValueAsString(figures));
            out.flush();
            return 0;
        } catch (BenchmarkFailed e) {
            err.println("stevedore-bench: FAILED: " + e.getMessage());
            return 1;
        } catch (JsonProcessingException | RuntimeException e) {
            err.println("stevedore-bench: " + options.scenario() + " failed:");
            e.printStackTrace(err);
            return 1;
        }
    }

    /** One run of the scenario the options name, at their one size. */
    Map<String, Object> figures(Options options) {
        return switch (options.scenario()) {
            case Options.CATALOG_INGEST -> new CatalogIngest(options, clock).run();
            case Options.LIST_REPLICAS -> new ListReplicas(options, clock, json).run();
            case Options.RULE_EVALUATION -> new RuleEvaluation(options, clock).run(false);
            case Options.REEVALUATION -> new RuleEvaluation(options, clock).run(true);
            case Options.UNDERTAKER -> new Undertaking(options, clock).run();
            case Options.CAMPAIGN -> new CampaignBench(options).run();
            case Options.TAPE_RECALL -> new TapeRecall(options).run();
            case Options.WEBHOOK_DELIVERY -> new WebhookDelivery(options, clock).run();
            case Options.TRANSFER_PIPELINE -> new TransferPipeline(options, clock).run();
            case Options.LOCAL_COPY -> new LocalCopy(options).run();
            case Options.BRIDGE_RELEASE -> new BridgeRelease(options).run();
            case Options.REAPER -> new Reaping(options, clock).run();
            case Options.CONSISTENCY -> new ConsistencyBench(options, clock).run();
            case Options.BLOCKING -> new BlockingBench(options).run();
            case Options.SCALE_OUT -> new ScaleOutBench(options, clock).run();
            case Options.FLOOR -> new Floor(options).run();
            default -> throw new IllegalStateException("Scenario without an implementation: " + options.scenario());
        };
    }
}
