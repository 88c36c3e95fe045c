package org.stevedore.web.fuzz;

import java.util.List;
import java.util.Random;

/**
 * What the fuzzed requests may name: a scope and names that exist (so requests reach the service's checks), RSEs,
 * accounts, a rule, and the tokens of root and of an ordinary account.
 */
record Fixture(String scope, List<String> names, List<String> rses, String user, String ruleId, String rootToken,
               String userToken) {

    String rse(Random rnd) {
        return rses.get(rnd.nextInt(rses.size()));
    }
}
