package org.stevedore.web.bridge;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stevedore.bridge.store.BlockingStore.Blocker;
import org.stevedore.bridge.store.BlockingStore.Group;
import org.stevedore.bridge.store.BlockingStore.Holding;

/**
 * The documents that say why jobs are held: per input file its reason and what is known of its way (the transfer's
 * state, attempts and error; the campaign's state, the file's state in it and the campaign's ETA), and a task's
 * blocking inputs grouped by reason. Kept apart from the controllers so that {@code /ready}, a job's GET and a task's
 * {@code /blocking} say it the same way.
 */
final class HeldDocs {

    private HeldDocs() {
    }

    /** The blocking inputs of one job, each without its job list (the job is the one asked about). */
    static List<Map<String, Object>> inputs(Holding holding) {
        return holding.inputs().stream().map(b -> {
            Map<String, Object> doc = file(b, holding.campaignEtas());
            doc.remove("jobs");
            doc.remove("jobCount");
            return doc;
        }).toList();
    }

    /** A task's blocking inputs by reason: counts, and a page of files with the jobs they hold. */
    static Map<String, Object> groups(String taskId, long heldJobs, List<Group> groups) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("taskId", taskId);
        doc.put("heldJobs", heldJobs);
        doc.put("reasons", groups.stream().map(g -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("reason", g.reason());
            r.put("files", g.files());
            r.put("jobs", g.jobs());
            r.put("inputs", g.page().stream().map(b -> file(b, Map.of())).toList());
            r.put("next", g.next());
            return r;
        }).toList());
        return doc;
    }

    private static Map<String, Object> file(Blocker b, Map<String, Duration> etas) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("file", b.file());
        doc.put("reason", b.reason());
        doc.put("rse", b.rse());
        doc.put("error", b.error());
        if (b.request() != null) {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("state", b.request().state());
            q.put("attempts", b.request().attempts());
            q.put("error", b.request().error());
            doc.put("transfer", q);
        } else {
            doc.put("transfer", null);
        }
        if (b.campaign() != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", b.campaign().campaignId());
            c.put("state", b.campaign().campaignState());
            c.put("fileState", b.campaign().fileState());
            Duration eta = etas.get(b.campaign().campaignId());
            c.put("etaSeconds", eta == null ? null : eta.toSeconds());
            doc.put("campaign", c);
        } else {
            doc.put("campaign", null);
        }
        doc.put("jobs", b.jobs());
        doc.put("jobCount", b.jobCount());
        return doc;
    }
}
