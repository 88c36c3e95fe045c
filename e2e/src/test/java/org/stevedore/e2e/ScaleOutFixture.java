package org.stevedore.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Adler32;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.testsupport.server.Neo4jServerProcess;
import org.stevedore.testsupport.server.PostgresProcess;

/**
 * The deployment the scale-out tests build: the instances' settings on the external stores, posix RSEs registered
 * through the API as an operator registers a production RSE (an external store gets no local RSEs), and files with
 * real bytes on them.
 */
final class ScaleOutFixture {

    /**
     * Settings of the instances' worker ownership: the heartbeat timeout (how long a silent instance keeps its
     * partitions, in-process copies and campaigns) as short as allowed, so that a killed instance's work moves
     * within half a minute; extra ones can be given as {@code -Dstevedore.e2e.instance-args=k=v,k=v}.
     */
    static Map<String, String> ownershipSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("stevedore.instances.heartbeat-timeout", HEARTBEAT_TIMEOUT.toSeconds() + "s");
        String extra = System.getProperty("stevedore.e2e.instance-args", "");
        for (String pair : extra.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return settings;
    }

    /** The instances' heartbeat timeout: the shortest allowed, so that a killed instance's work moves soon. */
    static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(31);
    /** The bearer token the instances present to the test's Tape REST server. */
    static final String TAPE_TOKEN = "e2e-tape-token";
    /** Where the tape RSE's files live under its WAN protocol: the site paths the tape is asked for. */
    static final String TAPE_PREFIX = "/tape/e2e/data";

    /** What every instance of the deployment is told, besides its port and data directory. */
    static Map<String, String> settings(String neo4jUri, Neo4jServerProcess neo4j, PostgresProcess postgres) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("stevedore.neo4j.uri", neo4jUri);
        s.put("stevedore.neo4j.username", neo4j.username());
        if (postgres != null) {
            s.put("stevedore.campaigns.batch.url", postgres.jdbcUrl());
            s.put("stevedore.campaigns.batch.username", postgres.username());
        }
        // The auditor's first check of a new RSE is background work the test does not look at.
        s.put("stevedore.consistency.enabled", "false");
        // The test's webhook receiver runs on this machine: allowed by name, as a deployment names its hosts.
        s.put("stevedore.bridge.webhooks.allowed-hosts", "localhost");
        s.put("stevedore.bridge.webhooks.poll-interval", "500ms");
        s.put("stevedore.transfer.conveyor-idle-sleep", "200ms");
        // Campaigns stage through the test's Tape REST server, which wants a token; stage requests polled often.
        s.put("stevedore.tape.rest.token", TAPE_TOKEN);
        s.put("stevedore.campaigns.poll-interval", "1s");
        s.putAll(ownershipSettings());
        return s;
    }

    /** Passwords go through the environment (STEVEDORE_..._PASSWORD), as an operator passes them. */
    static Map<String, String> secrets(Neo4jServerProcess neo4j, PostgresProcess postgres) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("STEVEDORE_NEO4J_PASSWORD", neo4j.password());
        if (postgres != null) {
            env.put("STEVEDORE_CAMPAIGNS_BATCH_PASSWORD", postgres.password());
        }
        return env;
    }

    /** A posix RSE on a shared directory, registered through the API with a file protocol. */
    static void posixRse(Http root, String rse, Path directory) throws IOException {
        Files.createDirectories(directory);
        Http.expect(root.post("/rses/" + rse, Map.of()), 201);
        Http.expect(root.post("/rses/" + rse + "/protocols/file", Map.of("prefix", directory.toString(),
                "domains", Map.of("lan", Map.of("read", 1, "write", 1, "delete", 1),
                        "wan", Map.of("read", 1, "write", 1, "delete", 1, "third_party_copy_read", 1,
                                "third_party_copy_write", 1)))), 201);
    }

    /** One file with random bytes placed where the deterministic RSE keeps it. */
    record TestFile(String scope, String name, byte[] content) {
        String path() {
            return Lfn2Pfn.hash(scope, name);
        }

        Map<String, Object> registration() {
            Adler32 adler = new Adler32();
            adler.update(content);
            return Map.of("scope", scope, "name", name, "bytes", content.length,
                    "adler32", "%08x".formatted(adler.getValue()));
        }
    }

    /**
     * Writes {@code n} files on the source RSE's directory, attaches them to {@code scope:dataset} on that RSE
     * (in batches) and creates their directories on the destination too, for the write log to watch.
     */
    static List<TestFile> files(Http root, String scope, String dataset, String prefix, int n, int bytes,
                                Path source, String sourceRse, Path destination, long seed) throws IOException {
        Http.expect(root.post("/dids/" + scope + "/" + dataset, Map.of("type", "DATASET")), 201);
        Random random = new Random(seed);
        List<TestFile> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] content = new byte[bytes];
            random.nextBytes(content);
            TestFile f = new TestFile(scope, "%s.%05d".formatted(prefix, i), content);
            Path file = source.resolve(f.path());
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            Files.createDirectories(destination.resolve(f.path()).getParent());
            files.add(f);
        }
        for (int from = 0; from < n; from += 500) {
            List<Map<String, Object>> batch = files.subList(from, Math.min(n, from + 500)).stream()
                    .map(TestFile::registration).toList();
            Http.expect(root.post("/dids/" + scope + "/" + dataset + "/dids",
                    Map.of("rse", sourceRse, "dids", batch)), 201);
        }
        return files;
    }

    /** A TAPE RSE behind a Tape REST endpoint: a WAN protocol naming the files' site paths and {@code tape_rest}. */
    static void tapeRse(Http root, String rse, String tapeRestRoot) {
        Http.expect(root.post("/rses/" + rse, Map.of("rse_type", "TAPE")), 201);
        Http.expect(root.post("/rses/" + rse + "/protocols/davs", Map.of("hostname", "tape.e2e.invalid", "port", 2880,
                "prefix", TAPE_PREFIX, "domains", Map.of("wan", Map.of("read", 1, "write", 1)))), 201);
        Http.expect(root.post("/rses/" + rse + "/attr/tape_rest", Map.of("value", tapeRestRoot)), 201);
    }

    /** The site path under which the tape holds a file (the protocol's prefix and the deterministic path). */
    static String sitePath(String scope, String name) {
        return TAPE_PREFIX + "/" + Lfn2Pfn.hash(scope, name);
    }

    /** Registers {@code n} files of {@code bytes} on a tape RSE, attached to a new {@code scope:dataset}. */
    static List<String> tapeFiles(Http root, String scope, String dataset, String prefix, int n, int bytes,
                                  String tapeRse) {
        Http.expect(root.post("/dids/" + scope + "/" + dataset, Map.of("type", "DATASET")), 201);
        List<String> names = new ArrayList<>();
        List<Map<String, Object>> dids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "%s.%05d".formatted(prefix, i);
            names.add(name);
            dids.add(Map.of("scope", scope, "name", name, "bytes", bytes, "adler32", "%08x".formatted(i + 1)));
        }
        Http.expect(root.post("/dids/" + scope + "/" + dataset + "/dids", Map.of("rse", tapeRse, "dids", dids)), 201);
        return names;
    }

    static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ScaleOutFixture() {
    }
}
