package org.stevedore.rules.expression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseType;
import org.stevedore.catalog.rse.RseWithAttributes;

/** Set algebra and attribute comparison over an in-memory list of RSEs; no store. */
class RseSnapshotTest {

    /** Four sites: two Italian and one French disk, one Italian tape; tiers as the stock client sends them. */
    static final RseSnapshot SITES = new RseSnapshot("v1", List.of(
            rse("IT_TAPE", Map.of("type", "TAPE", "cloud", "IT", "tier", "1")),
            rse("IT_DISK", Map.of("type", "DISK", "cloud", "IT", "tier", 1L, "freespace", 12.5)),
            rse("FR_DISK", Map.of("type", "DISK", "cloud", "FR", "tier", "2", "istape", "False")),
            rse("DE_DISK", Map.of("type", "DISK", "cloud", "DE", "tier", 2.0, "istape", false, "site", "KIT/x:y"))));

    static RseWithAttributes rse(String name, Map<String, Object> attributes) {
        Instant t = Instant.EPOCH;
        Map<String, Object> all = new HashMap<>(attributes);
        all.put(name, true);
        return new RseWithAttributes(new Rse(name.toLowerCase(), name, RseType.DISK, true, false, false, true, true,
                true, null, null, null, null, null, null, null, null, null, null, "hash", true, t, t), all);
    }

    private static List<String> select(String expression) {
        return SITES.select(RseExpressionParser.parse(expression)).stream().map(r -> r.rse().rse()).toList();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "*; DE_DISK FR_DISK IT_DISK IT_TAPE",
            "IT_DISK; IT_DISK",
            "type=DISK; DE_DISK FR_DISK IT_DISK",
            "type=DISK&cloud=IT|cloud=FR; FR_DISK IT_DISK",
            "(type=DISK&cloud=IT)|cloud=FR; FR_DISK IT_DISK",
            "type=DISK&(cloud=IT|cloud=FR); FR_DISK IT_DISK",
            "cloud=FR|cloud=IT&type=DISK; FR_DISK IT_DISK",
            "cloud=IT|cloud=FR&type=TAPE; IT_TAPE",
            "*\\cloud=IT; DE_DISK FR_DISK",
            "*\\cloud=IT|IT_TAPE; DE_DISK FR_DISK IT_TAPE",
            "*\\(cloud=IT|IT_TAPE); DE_DISK FR_DISK",
            "IT_DISK|FR_DISK|DE_DISK\\cloud=DE; FR_DISK IT_DISK",
            "IT_DISK&FR_DISK; ''",
            "cloud=ES; ''"})
    void operatorsAreSetOperationsFromLeftToRight(String expression, String names) {
        assertThat(String.join(" ", select(expression))).isEqualTo(names);
    }

    @Test
    void resultIsSortedByNameWhateverTheInputOrder() {
        assertThat(select("IT_TAPE|DE_DISK|IT_DISK")).containsExactly("DE_DISK", "IT_DISK", "IT_TAPE");
    }

    @Test
    void numbersCompareNumericallyWhateverTheirType() {
        assertThat(select("tier=1")).containsExactly("IT_DISK", "IT_TAPE");
        assertThat(select("tier=1.0")).containsExactly("IT_DISK", "IT_TAPE");
        assertThat(select("tier=2")).containsExactly("DE_DISK", "FR_DISK");
        assertThat(select("tier<2")).containsExactly("IT_DISK", "IT_TAPE");
        assertThat(select("tier>1")).containsExactly("DE_DISK", "FR_DISK");
        assertThat(select("tier>-1")).hasSize(4);
        assertThat(select("tier<1")).isEmpty();
        assertThat(select("freespace>12.25")).containsExactly("IT_DISK");
        assertThat(select("freespace<1e2")).containsExactly("IT_DISK");
    }

    @Test
    void comparisonsIgnoreRsesWithoutTheAttributeOrWithANonNumber() {
        assertThat(select("freespace<100")).containsExactly("IT_DISK");
        assertThat(select("type>0")).isEmpty();
        assertThat(select("istape<1")).isEmpty();
    }

    @Test
    void booleansMatchTrueAndFalseInAnyCase() {
        assertThat(select("istape=false")).containsExactly("DE_DISK", "FR_DISK");
        assertThat(select("istape=FALSE")).containsExactly("DE_DISK", "FR_DISK");
        assertThat(select("IT_DISK=True")).containsExactly("IT_DISK");
    }

    @Test
    void otherStringsMatchExactly() {
        assertThat(select("type=disk")).isEmpty();
        assertThat(select("site=KIT/x:y")).containsExactly("DE_DISK");
        assertThat(select("cloud=I")).isEmpty();
    }

    @Test
    void bareNameIsAnyAttributeThatIsTrue() {
        RseSnapshot snapshot = new RseSnapshot("v", List.of(
                rse("A_DISK", Map.of("GRID", "true")), rse("B_DISK", Map.of("GRID", false))));

        assertThat(snapshot.select(RseExpressionParser.parse("GRID"))).extracting(r -> r.rse().rse())
                .containsExactly("A_DISK");
    }

    @Test
    void longestChainEvaluatesWithoutExhaustingTheStack() {
        String chain = "IT_DISK|".repeat(1_100) + "FR_DISK\\IT_DISK";

        assertThat(select(chain)).containsExactly("FR_DISK");
    }
}
