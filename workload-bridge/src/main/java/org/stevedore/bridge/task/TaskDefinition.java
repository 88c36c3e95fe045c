package org.stevedore.bridge.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.naming.Names;

/**
 * The checks and canonical forms of a task's definition that need no store: ids, DIDs, the webhook URL, the name of
 * the task's own dataset and the fingerprint that tells a repeated registration from a different one. Kept apart from
 * {@link TaskRegistrar} so the registration reads as its steps, not as its validation.
 */
final class TaskDefinition {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ID = 255;

    private TaskDefinition() {
    }

    static String id(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidObject("'" + what + "' must not be empty");
        }
        if (value.length() > MAX_ID) {
            throw new InvalidObject("'" + what + "' is " + value.length() + " characters long, at most " + MAX_ID
                    + " are allowed");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c == 0x7f || c == '/') {
                throw new InvalidObject("'" + what + "' '" + value + "' has a character not allowed at position "
                        + (i + 1) + " (no spaces, control characters or '/')");
            }
        }
        return value;
    }

    static List<String> inputs(List<String> inputs) {
        if (inputs == null || inputs.isEmpty()) {
            throw new InvalidObject("A task needs 'inputs': [\"scope:name\", ...]");
        }
        Set<String> keys = new LinkedHashSet<>();
        for (String input : inputs) {
            keys.add(key("inputs", input));
        }
        return List.copyOf(keys);
    }

    static String key(String where, String value) {
        if (value == null) {
            throw new InvalidObject("A DID in '" + where + "' is null");
        }
        int colon = value.indexOf(':');
        if (colon <= 0) {
            throw new InvalidObject("'" + value + "' in '" + where + "' is not a DID (expected \"scope:name\")");
        }
        Names.did(value.substring(0, colon), value.substring(colon + 1));
        return value;
    }

    static String webhookUrl(TaskRegistration.Webhook webhook) {
        if (webhook == null) {
            return null;
        }
        String url = webhook.url();
        try {
            URI uri = URI.create(url == null ? "" : url.trim());
            if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri.toString();
        } catch (IllegalArgumentException e) {
            throw new InvalidObject("'webhook.url' must be an absolute http or https URL, not '" + url + "'");
        }
    }

    /** The task's own dataset: readable, unique per task id, within the name rules whatever the task id holds. */
    static String datasetName(String taskId) {
        StringBuilder b = new StringBuilder("task.");
        for (int i = 0; i < taskId.length() && b.length() < 200; i++) {
            char c = taskId.charAt(i);
            b.append(Character.isLetterOrDigit(c) && c < 0x80 || c == '.' || c == '_' || c == '-' ? c : '_');
        }
        return b.append('.').append(sha256(taskId).substring(0, 12)).toString();
    }

    static String fingerprint(TaskRegistration r) {
        Map<String, Object> canonical = new LinkedHashMap<>();
        canonical.put("inputs", r.inputs());
        canonical.put("rseExpression", r.rseExpression());
        canonical.put("pinLifetime", r.pinLifetime() == null ? null : String.valueOf(r.pinLifetime()));
        canonical.put("priority", r.priority());
        canonical.put("jobs", r.jobs());
        canonical.put("split", r.split());
        canonical.put("webhook", r.webhook());
        if (r.staging() != null) {
            // Only when given: the fingerprints of tasks registered before it existed stay the same.
            canonical.put("staging", r.staging());
        }
        if (r.streams()) {
            canonical.put("streaming", true);
        }
        try {
            return sha256(JSON.writeValueAsString(canonical));
        } catch (JsonProcessingException e) {
            throw new InvalidObject("The task cannot be read: " + e.getOriginalMessage());
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
