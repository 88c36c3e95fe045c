package org.stevedore.tape.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.stevedore.tape.endpoint.ArchiveInfo;
import org.stevedore.tape.endpoint.Locality;
import org.stevedore.tape.endpoint.StageFile;
import org.stevedore.tape.endpoint.StageRequestStatus;
import org.stevedore.tape.endpoint.StageState;
import org.stevedore.tape.endpoint.StagedFile;
import org.stevedore.tape.endpoint.TapeEndpointException;

/**
 * The WLCG Tape REST API v1 documents, both ways. Reading is lenient where deployed servers differ (times as epoch
 * milliseconds or ISO-8601, a file without {@code state} or {@code onDisk}) and strict where a wrong guess would
 * mislead (no request id, an unknown state or locality): those are protocol errors, not transient.
 */
final class TapeRestJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TapeRestJson() {
    }

    static String stageBody(List<StageFile> files) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode array = body.putArray("files");
        for (StageFile file : files) {
            array.addObject().put("path", file.path()).put("diskLifetime", file.diskLifetime().toString());
        }
        return body.toString();
    }

    static String pathsBody(List<String> paths) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode array = body.putArray("paths");
        paths.forEach(array::add);
        return body.toString();
    }

    /** The {@code uri} of the first endpoint of version v1 in a discovery document. */
    static Optional<String> v1Endpoint(String body) {
        JsonNode endpoints = parse("discovery", body).path("endpoints");
        for (JsonNode endpoint : endpoints) {
            if ("v1".equalsIgnoreCase(endpoint.path("version").asText()) && endpoint.path("uri").isTextual()) {
                return Optional.of(endpoint.path("uri").asText());
            }
        }
        return Optional.empty();
    }

    /** The request id of a stage answer, from its body or else from the last segment of its {@code Location}. */
    static String requestId(String body, String location) {
        JsonNode id = body == null || body.isBlank() ? null : parse("stage", body).get("requestId");
        if (id != null && id.isTextual() && !id.asText().isBlank()) {
            return id.asText();
        }
        if (location != null) {
            String path = location.replaceAll("[?#].*$", "").replaceAll("/+$", "");
            String last = path.substring(path.lastIndexOf('/') + 1);
            if (!last.isBlank()) {
                return last;
            }
        }
        throw protocol("stage", "the answer carries no requestId and no Location");
    }

    static StageRequestStatus status(String requestId, String body) {
        String operation = "status of stage request " + requestId;
        JsonNode root = parse(operation, body);
        JsonNode files = root.path("files");
        if (!files.isArray()) {
            throw protocol(operation, "no files array in the answer");
        }
        List<StagedFile> staged = new ArrayList<>(files.size());
        for (JsonNode file : files) {
            String path = file.path("path").asText(null);
            if (path == null) {
                throw protocol(operation, "a file without a path");
            }
            boolean onDisk = file.path("onDisk").asBoolean(false);
            StageState state = file.hasNonNull("state") ? state(operation, file.get("state").asText())
                    : onDisk ? StageState.COMPLETED : StageState.SUBMITTED;
            staged.add(new StagedFile(path, onDisk, state, file.path("error").asText(null)));
        }
        String id = root.path("id").asText(requestId);
        return new StageRequestStatus(id, time(operation, root.get("createdAt")), time(operation, root.get("startedAt")),
                time(operation, root.get("completedAt")), staged);
    }

    /**
     * An archiveinfo answer. A file the endpoint could not report on comes with an {@code error} and often no
     * {@code locality}; it reads as {@link Locality#NONE} with that error (as the emulator reports unknown files).
     */
    static List<ArchiveInfo> archiveInfo(String body) {
        JsonNode root = parse("archiveinfo", body);
        if (!root.isArray()) {
            throw protocol("archiveinfo", "the answer is not an array");
        }
        List<ArchiveInfo> infos = new ArrayList<>(root.size());
        for (JsonNode file : root) {
            String path = file.path("path").asText(null);
            if (path == null) {
                throw protocol("archiveinfo", "a file without a path");
            }
            Locality locality = Locality.NONE;
            if (file.hasNonNull("locality")) {
                try {
                    locality = Locality.valueOf(file.get("locality").asText().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw protocol("archiveinfo", "unknown locality " + file.get("locality").asText() + " of " + path);
                }
            }
            infos.add(new ArchiveInfo(path, locality, file.path("error").asText(null)));
        }
        return infos;
    }

    /** "title: detail" of an RFC 7807 problem document, or the body itself (shortened) when it is not one. */
    static Optional<String> problem(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode problem = JSON.readTree(body);
            if (problem != null && problem.isObject() && (problem.has("title") || problem.has("detail"))) {
                String title = problem.path("title").asText("");
                String detail = problem.path("detail").asText("");
                return Optional.of(title.isEmpty() ? detail : detail.isEmpty() ? title : title + ": " + detail);
            }
        } catch (JsonProcessingException e) {
            // not JSON: fall through to the text itself
        }
        String text = body.strip().replaceAll("\\s+", " ");
        return Optional.of(text.length() > 300 ? text.substring(0, 300) + "..." : text);
    }

    private static StageState state(String operation, String text) {
        try {
            return StageState.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw protocol(operation, "unknown file state " + text);
        }
    }

    /** Epoch milliseconds (dCache) or an ISO-8601 instant; null or absent is null. */
    private static Instant time(String operation, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return Instant.ofEpochMilli(node.asLong());
        }
        try {
            return Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            throw protocol(operation, "unreadable time " + node.asText());
        }
    }

    private static JsonNode parse(String operation, String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw protocol(operation, "empty answer");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw protocol(operation, "the answer is not JSON: " + e.getOriginalMessage());
        }
    }

    private static TapeEndpointException protocol(String operation, String problem) {
        return new TapeEndpointException(operation + ": unexpected answer from the tape endpoint: " + problem, 0, false,
                null);
    }
}
