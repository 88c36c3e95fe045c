package org.stevedore.web.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The configuration reference ({@code docs/configuration.md}) names every {@code stevedore.*} setting the service
 * reads: the ones its properties classes declare (Spring Boot's configuration processor lists them in
 * {@code META-INF/spring-configuration-metadata.json} at compile time) and the ones {@code application.yml} sets.
 * A setting added without a line in the reference fails here, naming it.
 *
 * <p>The reference groups related settings in one table cell, {@code `stevedore.x509.enabled` / `port` /
 * `address`}: a bare name after a full one is a sibling of the full one's last segment.
 */
class ConfigurationReferenceTest {

    private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @Test
    void everySettingOfThePropertiesClassesIsInTheReference() throws IOException {
        Set<String> declared = declaredSettings();
        assertThat(declared).as("settings the configuration processor found").hasSizeGreaterThan(50);

        assertThat(undocumented(declared)).as("settings missing from docs/configuration.md").isEmpty();
    }

    @Test
    void everySettingApplicationYmlSetsIsInTheReference() throws IOException {
        Set<String> set = new TreeSet<>();
        try (InputStream in = getClass().getResourceAsStream("/application.yml")) {
            assertThat(in).as("application.yml on the classpath").isNotNull();
            for (Object document : new Yaml().loadAll(in)) {
                flatten("", document, set);
            }
        }
        set.removeIf(name -> !name.startsWith("stevedore."));
        assertThat(set).as("stevedore settings in application.yml").isNotEmpty();

        assertThat(undocumented(set)).as("settings of application.yml missing from docs/configuration.md").isEmpty();
    }

    @Test
    void theGroupedNotationIsReadAsSiblings() {
        Set<String> documented = documentedIn(List.of("| `stevedore.a.b` / `c` + `d.e` | x | y |"));

        assertThat(documented).containsExactlyInAnyOrder("stevedore.a.b", "stevedore.a.c", "stevedore.a.d.e");
    }

    private static Set<String> declaredSettings() throws IOException {
        Set<String> names = new TreeSet<>();
        try (InputStream in = ConfigurationReferenceTest.class
                .getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("the configuration processor's metadata of the web module").isNotNull();
            JsonNode metadata = new ObjectMapper().readTree(in);
            for (JsonNode property : metadata.path("properties")) {
                String name = property.path("name").asText();
                if (name.startsWith("stevedore.")) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static List<String> undocumented(Set<String> settings) throws IOException {
        Set<String> documented = documentedIn(Files.readAllLines(REFERENCE));
        List<String> missing = new ArrayList<>();
        for (String setting : settings) {
            if (!covered(setting, documented)) {
                missing.add(setting);
            }
        }
        return missing;
    }

    /**
     * A setting is covered when the reference names it, or names a map or list setting it lies under
     * ({@code stevedore.rses[0].name} under {@code stevedore.rses}).
     */
    private static boolean covered(String setting, Set<String> documented) {
        String name = setting.replaceAll("\\[\\d+]", "");
        for (String doc : documented) {
            if (name.equals(doc) || name.startsWith(doc + ".")) {
                return true;
            }
        }
        return false;
    }

    /** Every setting name in the first cell of the reference's table rows, siblings expanded. */
    static Set<String> documentedIn(List<String> lines) {
        Set<String> names = new TreeSet<>();
        for (String line : lines) {
            if (!line.startsWith("| `stevedore.")) {
                continue;
            }
            String cell = line.substring(1, line.indexOf('|', 1));
            String parent = null;
            Matcher m = CODE.matcher(cell);
            while (m.find()) {
                String token = m.group(1).trim();
                if (token.startsWith("stevedore.")) {
                    names.add(token);
                    parent = token.substring(0, token.lastIndexOf('.'));
                } else if (parent != null) {
                    names.add(parent + "." + token);
                }
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object node, Set<String> out) {
        if (node instanceof Map<?, ?> map && !map.isEmpty()) {
            for (Map.Entry<?, ?> e : ((Map<Object, Object>) map).entrySet()) {
                flatten(prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (!prefix.isEmpty()) {
            out.add(prefix);
        }
    }
}
