package org.stevedore.web.bridge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.stevedore.auth.policy.Action;
import org.stevedore.auth.policy.Target;
import org.stevedore.bridge.store.BridgeStore.Job;
import org.stevedore.bridge.store.BridgeStore.Task;
import org.stevedore.bridge.store.JobOutputs;
import org.stevedore.bridge.store.TaskEndStore;
import org.stevedore.bridge.store.WebhookDeliveries;
import org.stevedore.bridge.task.BridgeService;
import org.stevedore.bridge.task.TaskEnder;
import org.stevedore.bridge.task.TaskRegistrar;
import org.stevedore.bridge.task.TaskRegistration;
import org.stevedore.bridge.webhook.WebhookTargets;
import org.stevedore.catalog.error.AccessDenied;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.ReplicaState;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.Permissions;
import org.stevedore.web.replica.ReplicaGateway;

/**
 * The workload bridge's gateway, as Rucio's gateway layer: whether this caller may register a task, cancel it or
 * report one of its jobs ended or see its webhook deliveries, decided here through the permission policy, and then the
 * service's call; and where a task's webhook may post to. Controllers parse, call the gateway and map its answer;
 * reading tasks and jobs needs no permission.
 */
@Component
public class BridgeGateway {

    private final Permissions permissions;
    private final BridgeService service;
    private final TaskRegistrar registrar;
    private final TaskEnder ender;
    private final WebhookTargets webhookTargets;
    private final WebhookDeliveries deliveries;
    private final ReplicaGateway replicas;

    public BridgeGateway(Permissions permissions, BridgeService service, TaskRegistrar registrar, TaskEnder ender,
                         WebhookTargets webhookTargets, WebhookDeliveries deliveries, ReplicaGateway replicas) {
        this.permissions = permissions;
        this.replicas = replicas;
        this.service = service;
        this.registrar = registrar;
        this.ender = ender;
        this.webhookTargets = webhookTargets;
        this.deliveries = deliveries;
    }

    /**
     * register_task on every scope of the task's inputs ({@code scope:name}; malformed ones are the service's), then
     * the webhook's destination, then the registration.
     */
    public TaskRegistrar.Registered register(Caller caller, TaskRegistration request) {
        Set<String> scopes = new LinkedHashSet<>();
        if (request.inputs() != null) {
            request.inputs().stream().filter(i -> i != null && i.indexOf(':') > 0)
                    .forEach(i -> scopes.add(i.substring(0, i.indexOf(':'))));
        }
        permissions.requireOnScopes(caller, Action.REGISTER_TASK, scopes);
        if (request.webhook() != null) {
            // The service posts to this URL from inside the site: never to an internal address unless allowed.
            webhookTargets.check(request.webhook().url());
        }
        return registrar.register(request, caller.account());
    }

    /**
     * list_tasks: an account lists its own tasks (no {@code account} given: the caller's), admins anyone's (no
     * {@code account}: everyone's).
     */
    public List<Task> tasks(Caller caller, String account, String state, String after, int limit) {
        String of = account == null || account.isBlank() ? null : account.trim();
        if (of == null) {
            try {
                permissions.require(caller, Action.LIST_TASKS, Target.task(null, null));
            } catch (AccessDenied e) {
                of = caller.account();
            }
        }
        if (of != null) {
            permissions.require(caller, Action.LIST_TASKS, Target.task(of, null));
        }
        return service.tasks(of, state, after, limit);
    }

    /** view_task_deliveries on the task (404 before 403), then its webhook deliveries. */
    public List<WebhookDeliveries.Delivery> deliveries(Caller caller, String taskId) {
        Task task = service.peek(taskId);
        permissions.require(caller, Action.VIEW_TASK_DELIVERIES, Target.task(task.account(), null));
        return deliveries.ofTask(taskId);
    }

    /** cancel_task on the task (404 before 403: the task must exist), then its cancellation. */
    public Task cancel(Caller caller, String taskId) {
        requireOnTask(caller, Action.CANCEL_TASK, service.peek(taskId));
        return ender.cancel(taskId);
    }

    /**
     * report_job on the job's task, and on the scope of its outputs when it names one; then the job ends.
     */
    public TaskEndStore.Ended end(Caller caller, String jobId, TaskEnder.EndState state, TaskEnder.JobOutput output) {
        Job job = service.job(jobId);
        requireOnTask(caller, Action.REPORT_JOB, service.peek(job.taskId()));
        if (output != null && output.scope() != null) {
            permissions.require(caller, Action.REPORT_JOB, Target.scope(output.scope()));
            requireOutputReplicas(caller, output);
        }
        return ender.endJob(jobId, state, output, caller.account());
    }

    /**
     * Outputs are registered as replicas at the PFNs the report gives: the same decision as any registration of
     * replicas ({@link ReplicaGateway#requireRegistration}), per RSE. Malformed entries are the registration's to
     * refuse.
     */
    private void requireOutputReplicas(Caller caller, TaskEnder.JobOutput output) {
        if (output.files() == null) {
            return;
        }
        Map<String, List<NewReplica>> byRse = new LinkedHashMap<>();
        for (JobOutputs.Output o : output.files()) {
            if (o != null && o.rse() != null && !o.rse().isBlank()) {
                byRse.computeIfAbsent(o.rse(), r -> new ArrayList<>()).add(new NewReplica(output.scope(), o.name(),
                        o.bytes(), o.adler32(), null, o.pfn(), ReplicaState.AVAILABLE, null, null, null));
            }
        }
        byRse.forEach((rse, files) -> replicas.requireRegistration(caller, rse, files));
    }

    /** The action on every scope of the task (a task without inputs: on its account alone). */
    private void requireOnTask(Caller caller, Action action, Task task) {
        List<String> scopes = task.scopes().isEmpty() ? Collections.singletonList(null) : task.scopes();
        for (String scope : scopes) {
            permissions.require(caller, action, Target.task(task.account(), scope));
        }
    }
}
