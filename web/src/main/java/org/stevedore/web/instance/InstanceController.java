package org.stevedore.web.instance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.catalog.daemon.InstanceStatus;
import org.stevedore.catalog.daemon.Instances;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;

/**
 * The instances of the service sharing this store, as their heartbeats show them: identity, host, start time, last
 * heartbeat, and which partition of which worker each owns. Admins only (Rucio's {@code list_heartbeats}): it names
 * the hosts and processes behind the service.
 */
@RestController
public class InstanceController {

    private final Instances instances;
    private final Permissions permissions;

    public InstanceController(Instances instances, Permissions permissions) {
        this.instances = instances;
        this.permissions = permissions;
    }

    @GetMapping({"/instances", "/instances/"})
    public List<Map<String, Object>> list(Caller caller) {
        permissions.require(caller, Action.LIST_HEARTBEATS, Target.none());
        String self = instances.self().key();
        return instances.report().stream().map(i -> document(i, self)).toList();
    }

    private static Map<String, Object> document(InstanceStatus status, String self) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("instance", status.instance().key());
        doc.put("host", status.instance().host());
        doc.put("pid", status.instance().pid());
        doc.put("self", status.instance().key().equals(self));
        doc.put("started_at", status.startedAt().toString());
        doc.put("last_heartbeat", status.lastHeartbeat().toString());
        doc.put("workers", status.workers().stream().map(w -> {
            Map<String, Object> worker = new LinkedHashMap<>();
            worker.put("executable", w.executable());
            worker.put("thread", w.thread());
            worker.put("partition", w.partition().toString());
            worker.put("partition_index", w.partition().index());
            worker.put("partition_count", w.partition().count());
            worker.put("last_heartbeat", w.lastHeartbeat().toString());
            return worker;
        }).toList());
        return doc;
    }
}
