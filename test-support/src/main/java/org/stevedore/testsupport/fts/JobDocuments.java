package org.stevedore.testsupport.fts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The JSON documents of the emulator's jobs and their files, as FTS writes them in its answers to status, cancel,
 * priority and archive requests, and the {@code files=} selection of the file fields a poll asks for. Kept apart from
 * the HTTP handling, which only chooses which jobs to describe.
 */
final class JobDocuments {

    static final DateTimeFormatter FTS_DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    /** The fields of a file in a job's document, in the order they are written. */
    private static final List<String> FILE_FIELD_ORDER = List.of("file_id", "file_state", "source_surl", "dest_surl",
            "reason", "start_time", "finish_time", "staging_start", "staging_finished", "file_metadata", "filesize",
            "checksum", "activity");
    static final Set<String> ALL_FILE_FIELDS = Set.copyOf(FILE_FIELD_ORDER);

    private final ObjectMapper json;
    private final Fts3EmulatorSettings settings;

    JobDocuments(ObjectMapper json, Fts3EmulatorSettings settings) {
        this.json = json;
        this.settings = settings;
    }

    /** A job's document as at {@code now}, with the files' {@code fileFields} (no files array when empty). */
    ObjectNode document(EmulatedJob job, Instant now, Set<String> fileFields) {
        ObjectNode doc = json.createObjectNode();
        String state = job.jobState(now);
        Instant finished = job.finishedAt(now);
        doc.put("job_id", job.jobId);
        doc.put("job_state", state);
        doc.put("job_type", "N");
        doc.put("vo_name", settings.vo());
        doc.put("user_dn", settings.userDn());
        doc.put("priority", job.priority());
        doc.put("reason", state.equals("FAILED") || state.equals("FINISHEDDIRTY")
                ? "One or more files failed. Please have a look at the details for more information" : "");
        doc.put("submit_time", FTS_DATE.format(job.submitted));
        doc.put("job_finished", finished == null ? null : FTS_DATE.format(finished));
        doc.set("job_metadata", job.jobMetadata);
        if (!fileFields.isEmpty()) {
            ArrayNode files = doc.putArray("files");
            for (EmulatedJob.File file : job.files) {
                files.add(fileDocument(job, file, now, fileFields));
            }
        }
        return doc;
    }

    /** A file of a job's document, with the fields asked for only: a bulk poll asks for few of many files. */
    private ObjectNode fileDocument(EmulatedJob job, EmulatedJob.File file, Instant now, Set<String> fields) {
        String state = job.fileState(file, now);
        ObjectNode doc = json.createObjectNode();
        for (String field : FILE_FIELD_ORDER) {
            if (!fields.contains(field)) {
                continue;
            }
            switch (field) {
                case "file_id" -> doc.put(field, file.fileId());
                case "file_state" -> doc.put(field, state);
                case "source_surl" -> doc.put(field, file.source());
                case "dest_surl" -> doc.put(field, file.destination());
                case "reason" -> doc.put(field, state.equals("FAILED")
                        ? "TRANSFER [5] emulated failure of " + file.destination() : "");
                case "start_time" -> doc.put(field, state.equals("ACTIVE") || isTerminal(state)
                        ? FTS_DATE.format(job.activeSince()) : null);
                case "finish_time" -> {
                    Instant finished = job.finishedAt(now);
                    doc.put(field, finished == null ? null : FTS_DATE.format(finished));
                }
                case "staging_start" -> doc.put(field, job.staging ? FTS_DATE.format(job.submitted) : null);
                case "staging_finished" -> {
                    Instant stagingFinished = job.stagingFinished();
                    doc.put(field, stagingFinished != null && !now.isBefore(stagingFinished)
                            ? FTS_DATE.format(stagingFinished) : null);
                }
                case "file_metadata" -> doc.set(field, file.metadata());
                case "filesize" -> doc.put(field, file.filesize());
                case "checksum" -> doc.put(field, file.checksum());
                case "activity" -> doc.put(field, file.activity());
                default -> throw new IllegalStateException("No file field " + field);
            }
        }
        return doc;
    }

    private static boolean isTerminal(String state) {
        return state.equals("FINISHED") || state.equals("FAILED") || state.equals("CANCELED");
    }

    /** The file fields a query's {@code files=} asks for: all of them when it is empty, none without it. */
    static Set<String> fileFields(String query) {
        if (query == null) {
            return Set.of();
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("files=")) {
                String value = java.net.URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
                return value.isEmpty() ? ALL_FILE_FIELDS : new java.util.HashSet<>(Arrays.asList(value.split(",")));
            }
        }
        return Set.of();
    }
}
