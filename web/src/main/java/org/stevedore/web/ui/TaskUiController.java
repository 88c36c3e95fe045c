package org.stevedore.web.ui;

import io.swagger.v3.oas.annotations.Hidden;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.bridge.store.BridgeStore;
import org.stevedore.bridge.task.BridgeService;
import org.stevedore.catalog.error.AccessDenied;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;
import org.stevedore.web.bridge.BridgeGateway;

/**
 * The workload bridge's tasks, as BigPanDA shows them: the list (the caller's own, admins everyone's:
 * {@code list_tasks} through {@code BridgeGateway}), and a task's page with its jobs by state and "what blocks this
 * task": its HELD jobs grouped by the reason of the inputs they wait for (LOST, MISSING, STUCK, TRANSFER, CAMPAIGN,
 * WAITING), with a page of those files each.
 */
@Hidden
@Controller
public class TaskUiController {

    private static final int LIST_LIMIT = 500;
    private static final int FILES_PER_REASON = 20;

    private final BridgeGateway gateway;
    private final BridgeService service;
    private final Permissions permissions;

    public TaskUiController(BridgeGateway gateway, BridgeService service, Permissions permissions) {
        this.gateway = gateway;
        this.service = service;
        this.permissions = permissions;
    }

    @GetMapping({"/ui/tasks", "/ui/tasks/"})
    public String list(Caller caller, Model model) {
        model.addAttribute("tasks", gateway.tasks(caller, null, null, null, LIST_LIMIT));
        return "ui/tasks";
    }

    @GetMapping("/ui/tasks/{id}")
    public String task(@PathVariable String id, Caller caller, Model model) {
        BridgeStore.Task task = service.peek(id);
        // The list's rule: an account sees its own tasks, admins anyone's.
        if (!permissions.allows(caller, Action.LIST_TASKS, Target.task(task.account(), null))) {
            throw new AccessDenied("Account " + caller.account() + " cannot list_tasks of account " + task.account());
        }
        Map<String, Long> jobs = new TreeMap<>(task.jobCounts());
        model.addAttribute("task", task);
        model.addAttribute("jobs", jobs);
        model.addAttribute("held", jobs.getOrDefault(BridgeStore.HELD, 0L));
        model.addAttribute("groups", service.blocking(id, null, null, FILES_PER_REASON));
        return "ui/task";
    }
}
