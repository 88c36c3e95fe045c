package org.stevedore.transfer.fts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.stevedore.transfer.tool.FileState;
import org.stevedore.transfer.tool.FileStatus;
import org.stevedore.transfer.tool.JobState;
import org.stevedore.transfer.tool.JobStatus;
import org.stevedore.transfer.tool.TransferFile;
import org.stevedore.transfer.tool.TransferJob;

/** The FTS3 wire format: submission bodies out, job documents and error bodies in. */
final class Fts3Json {

    /** What bulk polling asks for per file: enough to finish or retry a request, nothing more. */
    static final String FILE_FIELDS = "file_state,source_surl,dest_surl,reason,file_metadata";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Fts3Json() {
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }

    static JsonNode parse(String body) {
        try {
            return MAPPER.readTree(body == null || body.isBlank() ? "null" : body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("FTS answered something that is not JSON: " + abbreviate(body), e);
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code message} of an FTS error body, or the body itself: 401/403 from the TLS layer may not be JSON. */
    static String errorMessage(String body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node != null && node.hasNonNull("message")) {
                return node.get("message").asText();
            }
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // not JSON: fall through to the raw text
        }
        return abbreviate(body);
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        String flat = body.replaceAll("[\r\n]+", " ").trim();
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }

    /** The body of {@code POST /jobs} for one chunk of a transfer job. */
    static String submission(TransferJob job, List<TransferFile> files, String sid, Fts3Config config) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode fileArray = root.putArray("files");
        int priority = 1;
        for (TransferFile file : files) {
            ObjectNode f = fileArray.addObject();
            ArrayNode sources = f.putArray("sources");
            file.sources().forEach(sources::add);
            f.putArray("destinations").add(file.destination());
            if (file.adler32() != null) {
                f.put("checksum", "ADLER32:" + adler32Hex(file.adler32()));
            }
            if (file.bytes() >= 0) {
                f.put("filesize", file.bytes());
            }
            f.putObject("metadata").put("request_id", file.requestId());
            f.put("activity", file.activity());
            priority = Math.max(priority, file.priority());
        }
        ObjectNode params = root.putObject("params");
        params.put("verify_checksum", job.verifyChecksum() ? "both" : "none");
        params.put("overwrite", job.overwrite());
        // FTS has one priority per job; the most urgent file decides, within FTS's range 1..5.
        params.put("priority", clampPriority(priority));
        params.put("retry", 0);
        params.put("reuse", false);
        params.put("multihop", false);
        params.put("bring_online", job.fromTapeSource() ? job.staging().bringOnline().toSeconds() : -1);
        params.put("copy_pin_lifetime", job.fromTapeSource() ? job.staging().copyPinLifetime().toSeconds() : -1);
        params.put("archive_timeout", -1);
        params.put("max_time_in_queue", config.maxTimeInQueue());
        params.putObject("job_metadata")
                .put("issuer", config.issuer())
                .put("transfer_job_id", job.id())
                .put("source_rse", job.sourceRse())
                .put("dest_rse", job.destinationRse());
        params.put("id_generator", "deterministic");
        params.put("sid", sid);
        return write(root);
    }

    static int clampPriority(int priority) {
        return Math.max(1, Math.min(5, priority));
    }

    private static String adler32Hex(String adler32) {
        String hex = adler32.toLowerCase();
        return "0".repeat(8 - hex.length()) + hex;
    }

    /** A job document of {@code /jobs} or {@code /archive}, with whatever {@code files} it carries. */
    static JobStatus jobStatus(JsonNode job) {
        String jobId = job.path("job_id").asText();
        List<FileStatus> files = new ArrayList<>();
        for (JsonNode file : job.path("files")) {
            files.add(new FileStatus(requestId(file.get("file_metadata")), fileState(file.path("file_state").asText()),
                    file.path("reason").asText(""), file.path("source_surl").asText(null),
                    file.path("dest_surl").asText(null)));
        }
        return new JobStatus(jobId, jobState(job.path("job_state").asText()), job.path("reason").asText(""), files);
    }

    /** FTS keeps file metadata as given, but some versions hand it back as a JSON string rather than an object. */
    private static String requestId(JsonNode metadata) {
        if (metadata == null || metadata.isNull()) {
            return null;
        }
        if (metadata.isTextual()) {
            try {
                metadata = MAPPER.readTree(metadata.asText());
            } catch (JsonProcessingException e) {
                return null;
            }
        }
        JsonNode id = metadata == null ? null : metadata.get("request_id");
        return id == null || id.isNull() ? null : id.asText();
    }

    static JobState jobState(String fts) {
        return switch (fts) {
            case "STAGING" -> JobState.STAGING;
            case "SUBMITTED", "READY" -> JobState.SUBMITTED;
            case "FINISHED" -> JobState.FINISHED;
            case "FINISHEDDIRTY" -> JobState.FINISHEDDIRTY;
            case "FAILED" -> JobState.FAILED;
            case "CANCELED" -> JobState.CANCELED;
            // ACTIVE, ARCHIVING, DELETE, QOS_*, and anything newer: still running, so keep polling.
            default -> JobState.ACTIVE;
        };
    }

    static FileState fileState(String fts) {
        return switch (fts) {
            case "STAGING", "STARTED", "ON_HOLD_STAGING" -> FileState.STAGING;
            case "ACTIVE", "ARCHIVING" -> FileState.ACTIVE;
            case "FINISHED" -> FileState.FINISHED;
            case "FAILED" -> FileState.FAILED;
            case "CANCELED" -> FileState.CANCELED;
            case "NOT_USED" -> FileState.NOT_USED;
            // SUBMITTED, READY, ON_HOLD, TOKEN_PREP: waiting for a slot.
            default -> FileState.SUBMITTED;
        };
    }

    /** FTS dates: {@code YYYY-MM-DDTHH:MM:SS}, UTC without a zone suffix (fractions tolerated). */
    static Instant ftsDate(String text) {
        return LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
    }
}
