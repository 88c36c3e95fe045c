package org.stevedore.rules.evaluation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.rules.error.InsufficientAccountLimit;
import org.stevedore.rules.error.InsufficientTargetRSEs;

/**
 * Chooses the RSEs of one group of files. RSEs that already hold more of the group come first (fewest transfers);
 * among equals the choice is random, in proportion to the weight attribute when the rule names one. A group goes
 * only where the account's quota can hold all of it, counting what this evaluation already placed.
 */
final class RsePlacement {

    /** An eligible RSE and its selection weight. */
    record Candidate(Rse rse, double weight) {
    }

    private final List<Candidate> candidates;
    private final Map<String, AccountLimitStore.Usage> quotas;
    private final Map<String, Long> planned = new HashMap<>();
    private final RandomGenerator random;

    RsePlacement(List<Candidate> candidates, Map<String, AccountLimitStore.Usage> quotas, RandomGenerator random) {
        this.candidates = candidates;
        this.quotas = quotas;
        this.random = random;
    }

    /** Picks {@code copies} RSEs for a group of {@code bytes} of which {@code present} bytes already sit on each RSE. */
    List<Rse> choose(int copies, long bytes, Map<String, Long> present, String what) {
        if (candidates.size() < copies) {
            throw new InsufficientTargetRSEs("Rule asks " + copies + " copies of " + what + " but only "
                    + candidates.size() + " RSE(s) are eligible" + names(candidates));
        }
        record Ranked(Candidate candidate, long present, double key) {
        }
        List<Ranked> ranked = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            // Efraimidis-Spirakis: sorting by -ln(U)/w draws a weighted random order.
            double key = -Math.log(1.0 - random.nextDouble()) / c.weight();
            ranked.add(new Ranked(c, present.getOrDefault(c.rse().id(), 0L), key));
        }
        ranked.sort(Comparator.comparingLong(Ranked::present).reversed().thenComparingDouble(Ranked::key));
        List<Rse> chosen = new ArrayList<>(copies);
        boolean quotaRefused = false;
        for (Ranked r : ranked) {
            if (chosen.size() == copies) {
                break;
            }
            String id = r.candidate().rse().id();
            AccountLimitStore.Usage quota = quotas.get(id);
            long wanted = planned.getOrDefault(id, 0L) + bytes;
            if (quota != null && quota.limit() != null && quota.bytes() + wanted > quota.limit()) {
                quotaRefused = true;
                continue;
            }
            chosen.add(r.candidate().rse());
        }
        if (chosen.size() < copies) {
            if (quotaRefused) {
                throw new InsufficientAccountLimit("The account's quota cannot hold " + copies + " copies of " + what
                        + " (" + bytes + " bytes) on the eligible RSEs" + names(candidates));
            }
            throw new InsufficientTargetRSEs("Rule asks " + copies + " copies of " + what + " but only "
                    + chosen.size() + " RSE(s) can take it");
        }
        for (Rse rse : chosen) {
            planned.merge(rse.id(), bytes, Long::sum);
        }
        return chosen;
    }

    private static String names(List<Candidate> candidates) {
        if (candidates.isEmpty()) {
            return "";
        }
        return " (" + String.join(", ", candidates.stream().map(c -> c.rse().rse()).limit(10).toList())
                + (candidates.size() > 10 ? ", ..." : "") + ")";
    }
}
