package org.stevedore.rules.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.error.InvalidRSEExpression;

class RseExpressionResolverTest extends StoreTest {

    private final RseStore rses = new RseStore(store);
    private final RseExpressionResolver resolver = new RseExpressionResolver(rses);

    private void addSites() {
        rses.add("IT_TAPE", Map.of("rse_type", "TAPE"));
        rses.add("IT_DISK");
        rses.add("FR_DISK");
        rses.setAttributes("IT_TAPE", Map.of("type", "TAPE", "cloud", "IT", "tier", "1"));
        rses.setAttributes("IT_DISK", Map.of("type", "DISK", "cloud", "IT", "tier", 1));
        rses.setAttributes("FR_DISK", Map.of("type", "DISK", "cloud", "FR", "tier", "2"));
    }

    private List<String> names(String expression) {
        return resolver.resolve(expression).stream().map(Rse::rse).toList();
    }

    @Test
    void resolvesTheDocumentedExampleFromLeftToRight() {
        addSites();

        assertThat(names("type=DISK&cloud=IT|cloud=FR")).containsExactly("FR_DISK", "IT_DISK");
        assertThat(names("cloud=IT|cloud=FR&type=TAPE")).containsExactly("IT_TAPE");
        assertThat(names("*\\tier=1")).containsExactly("FR_DISK");
        assertThat(names("tier<2&IT_TAPE")).containsExactly("IT_TAPE");
    }

    @Test
    void returnsStoredRsesSortedByNameWithTheirAttributes() {
        addSites();

        assertThat(resolver.resolve("*")).containsExactlyElementsOf(rses.list());
        assertThat(resolver.resolveWithAttributes("IT_DISK")).singleElement()
                .satisfies(r -> assertThat(r.attributes()).containsEntry("tier", 1L).containsEntry("IT_DISK", true));
    }

    @Test
    void expressionSelectingNothingIsInvalid() {
        addSites();

        assertThatThrownBy(() -> resolver.resolve("cloud=ES"))
                .isInstanceOf(InvalidRSEExpression.class)
                .hasMessage("RSE expression 'cloud=ES' selects no RSE");
        assertThatThrownBy(() -> resolver.resolve("IT_DISK&FR_DISK")).isInstanceOf(InvalidRSEExpression.class);
    }

    @Test
    void noRseAtAllMeansEvenStarSelectsNothing() {
        assertThatThrownBy(() -> resolver.resolve("*")).isInstanceOf(InvalidRSEExpression.class)
                .hasMessageContaining("selects no RSE");
    }

    @Test
    void syntaxErrorsAreRefusedBeforeTheStoreIsAsked() {
        assertThatThrownBy(() -> resolver.resolve("A|")).isInstanceOf(InvalidRSEExpression.class)
                .hasMessageContaining("position 2");
        assertThatThrownBy(() -> resolver.parse(null)).isInstanceOf(InvalidRSEExpression.class)
                .hasMessageContaining("empty");
        assertThat(resolver.parse("A|B")).hasToString("(A|B)");
    }

    @Test
    void newAttributeIsSeenByTheNextResolution() {
        addSites();
        assertThatThrownBy(() -> resolver.resolve("cloud=ES")).isInstanceOf(InvalidRSEExpression.class);

        rses.setAttribute("FR_DISK", "cloud", "ES");

        assertThat(names("cloud=ES")).containsExactly("FR_DISK");
        assertThat(names("cloud=FR|cloud=ES")).containsExactly("FR_DISK");
    }

    @Test
    void deletedAttributeAndDeletedRseAreGoneAtOnce() {
        addSites();
        assertThat(names("tier<2")).containsExactly("IT_DISK", "IT_TAPE");

        rses.deleteAttribute("IT_TAPE", "tier");
        assertThat(names("tier<2")).containsExactly("IT_DISK");

        rses.delete("IT_DISK");
        assertThatThrownBy(() -> resolver.resolve("tier<2")).isInstanceOf(InvalidRSEExpression.class);
        assertThat(names("*")).containsExactly("FR_DISK", "IT_TAPE");
    }

    @Test
    void addedRseAndChangedAvailabilityAreSeenAtOnce() {
        addSites();
        assertThat(names("*")).hasSize(3);
        assertThat(resolver.resolve("FR_DISK").get(0).availabilityWrite()).isTrue();

        rses.add("DE_DISK");
        rses.update("FR_DISK", Map.of("availability_write", false));

        assertThat(names("*")).containsExactly("DE_DISK", "FR_DISK", "IT_DISK", "IT_TAPE");
        assertThat(resolver.resolve("FR_DISK").get(0).availabilityWrite()).isFalse();
    }

    @Test
    void writesThroughAnotherInstanceAreSeenAtOnce() {
        addSites();
        assertThat(names("cloud=IT")).containsExactly("IT_DISK", "IT_TAPE");
        RseStore elsewhere = new RseStore(store);

        elsewhere.setAttribute("FR_DISK", "cloud", "IT");

        assertThat(names("cloud=IT")).containsExactly("FR_DISK", "IT_DISK", "IT_TAPE");
    }

    @Test
    void answersComeFromTheCacheWhileTheCatalogVersionIsUnchanged() {
        addSites();
        assertThat(names("cloud=IT")).containsExactly("IT_DISK", "IT_TAPE");

        // Behind the store's back, so the version does not move: only a cached answer can still say IT_TAPE.
        store.run("MATCH (r:Rse {rse: 'IT_TAPE'}) SET r.`attr:cloud` = 'FR'", Map.of());
        assertThat(names("cloud=IT")).containsExactly("IT_DISK", "IT_TAPE");
        assertThat(names("cloud=FR")).containsExactly("FR_DISK");

        rses.setAttribute("IT_DISK", "unrelated", "x");
        assertThat(names("cloud=IT")).containsExactly("IT_DISK");
    }

    @Test
    void randomExpressionsNeverFailOtherwiseThanAsInvalid() {
        addSites();
        Random random = new Random(42L);
        int resolved = 0;
        for (int i = 0; i < 1_000; i++) {
            String expression = RseExpressionFuzzTest.randomExpression(random);
            try {
                resolver.resolve(expression);
                resolved++;
            } catch (InvalidRSEExpression expected) {
                // refused: the only acceptable failure
            } catch (RuntimeException | StackOverflowError e) {
                fail("Expression '" + expression + "' failed with " + e, e);
            }
        }
        assertThat(resolved).isGreaterThan(100);
    }
}
