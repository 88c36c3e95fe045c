package org.stevedore.web.did;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.Did;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.web.api.Created;
import org.stevedore.web.api.JsonStream;
import org.stevedore.web.api.RequestLimits;
import org.stevedore.web.api.RucioCompatible;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.did.DidRequests.AttachBody;
import org.stevedore.web.did.DidRequests.AttachmentItem;
import org.stevedore.web.did.DidRequests.AttachmentsBody;
import org.stevedore.web.did.DidRequests.DidItem;
import org.stevedore.web.did.DidRequests.MetaBody;
import org.stevedore.web.did.DidRequests.MetaValueBody;
import org.stevedore.web.did.DidRequests.NewDidBody;
import org.stevedore.web.did.DidRequests.StatusBody;
import org.stevedore.web.replica.ReplicaGateway;

/**
 * The namespace API at Rucio's paths. Names containing '/' arrive percent-encoded in one path segment, as the
 * Rucio client sends them. Whether a caller may change a DID is {@link DidGateway}'s to decide, and whether it may
 * register the files it attaches with replicas {@link ReplicaGateway}'s.
 */
@RucioCompatible
@RestController
@RequestMapping("/dids")
public class DidController {

    private final DidStore dids;
    private final AttachmentStore attachments;
    private final ReplicaGateway replicas;
    private final ObjectMapper mapper;
    private final DidGateway gateway;
    private final RequestLimits limits;
    private final DidEraser eraser;

    public DidController(DidStore dids, AttachmentStore attachments, ReplicaGateway replicas, ObjectMapper mapper,
                         DidGateway gateway, RequestLimits limits, DidEraser eraser) {
        this.eraser = eraser;
        this.limits = limits;
        this.gateway = gateway;
        this.dids = dids;
        this.attachments = attachments;
        this.replicas = replicas;
        this.mapper = mapper;
    }

    /** Bulk registration: all or none. */
    @PostMapping({"", "/"})
    public ResponseEntity<String> addDids(@RequestBody List<NewDidBody> body, Caller caller) {
        if (body == null || body.isEmpty()) {
            throw new InvalidObject("Request body must be a non-empty list of DIDs");
        }
        limits.requireAtMost("DIDs", body.size());
        RequestLimits.requireDistinct("DID", body, b -> RequestLimits.didKey(b.scope(), b.name()));
        List<NewDid> list = new ArrayList<>(body.size());
        for (int i = 0; i < body.size(); i++) {
            NewDidBody b = body.get(i);
            if (b == null) {
                throw new InvalidObject("DID number " + (i + 1) + " of the request is null");
            }
            list.add(newDid(b.scope(), b.name(), b, caller));
        }
        gateway.add(caller, list);
        return Created.response();
    }

    @PostMapping("/{scope}/{name}")
    public ResponseEntity<String> addDid(@PathVariable String scope, @PathVariable String name,
                                         @RequestBody NewDidBody body, Caller caller) {
        gateway.requireAdd(caller, scope);
        if (body == null) {
            throw new InvalidObject("Request body is required: {\"type\": \"DATASET\"|\"CONTAINER\"|\"FILE\"}");
        }
        requireItems(body.dids());
        NewDid did = newDid(scope, name, body, caller);
        if (body.dids() == null || body.dids().isEmpty()) {
            dids.add(List.of(did));
        } else if (body.rse() == null || body.rse().isBlank()) {
            // One transaction: a refused attachment leaves no collection behind.
            dids.addWithContent(did, refs(body.dids()), attachments);
        } else {
            // The files' names are checked before the collection is created; their registration is its own step.
            refs(body.dids());
            // Before the DID is written: a refused registration must leave nothing behind.
            replicas.requireRegistration(caller, body.rse(), replicaFiles(body.dids()));
            dids.add(List.of(did));
            attach(did.ref(), body.dids(), body.rse(), false, caller);
        }
        return Created.response();
    }

    private static NewDid newDid(String scope, String name, NewDidBody b, Caller caller) {
        DidType type = DidType.parse(b.type());
        boolean monotonic = false;
        if (b.statuses() != null && b.statuses().get("monotonic") instanceof Boolean m) {
            monotonic = m;
        }
        Duration lifetime = b.lifetime() == null ? null : Duration.ofSeconds(b.lifetime());
        return new NewDid(scope, name, type, caller.account(), b.bytes(), b.adler32(), b.md5(), b.guid(), null,
                monotonic, lifetime, b.meta());
    }

    @GetMapping("/{scope}/{name}")
    public Map<String, Object> get(@PathVariable String scope, @PathVariable String name) {
        return DidDocuments.did(dids.get(scope, name));
    }

    @GetMapping("/{scope}/{name}/dids")
    public void listContent(@PathVariable String scope, @PathVariable String name, HttpServletResponse response) {
        JsonStream.respond(mapper, response, out -> {
            attachments.listContent(DidRef.of(scope, name), c -> out.accept(DidDocuments.content(c)));
        });
    }

    @PostMapping("/{scope}/{name}/dids")
    public ResponseEntity<String> attach(@PathVariable String scope, @PathVariable String name,
                                         @RequestBody AttachBody body, Caller caller) {
        gateway.requireAttach(caller, scope);
        if (body == null || body.dids() == null || body.dids().isEmpty()) {
            throw new InvalidObject("Request body must name the DIDs to attach: {\"dids\": [{\"scope\", \"name\"}]}");
        }
        requireItems(body.dids());
        attach(DidRef.of(scope, name), body.dids(), body.rse(), Boolean.TRUE.equals(body.ignore_duplicate()), caller);
        return Created.response();
    }

    /** With an RSE, the files are registered with replicas there first (Rucio's attach with rse), in one transaction. */
    private void attach(DidRef parent, List<DidItem> items, String rse, boolean ignoreDuplicate, Caller caller) {
        if (rse != null && !rse.isBlank()) {
            replicas.add(caller, rse, replicaFiles(items), false, parent);
            return;
        }
        attachments.attach(parent, refs(items), ignoreDuplicate);
    }

    private static List<NewReplica> replicaFiles(List<DidItem> items) {
        List<NewReplica> files = new ArrayList<>(items.size());
        for (DidItem item : items) {
            requireItem(item);
            files.add(new NewReplica(item.scope(), item.name(), item.bytes(), item.adler32(), item.md5(), item.pfn(),
                    null, null, item.guid(), item.meta()));
        }
        return files;
    }

    @DeleteMapping("/{scope}/{name}/dids")
    public void detach(@PathVariable String scope, @PathVariable String name, @RequestBody AttachBody body,
                       Caller caller) {
        gateway.requireDetach(caller, scope);
        if (body == null || body.dids() == null || body.dids().isEmpty()) {
            throw new InvalidObject("Request body must name the DIDs to detach: {\"dids\": [{\"scope\", \"name\"}]}");
        }
        requireItems(body.dids());
        attachments.detach(DidRef.of(scope, name), refs(body.dids()));
    }

    @PostMapping("/attachments")
    public ResponseEntity<String> attachments(@RequestBody AttachmentsBody body, Caller caller) {
        if (body == null || body.attachments() == null || body.attachments().isEmpty()) {
            throw new InvalidObject("Request body must list attachments: {\"attachments\": [{\"scope\", \"name\", \"dids\"}]}");
        }
        gateway.requireAttach(caller, body.attachments().stream().map(a -> a == null ? null : a.scope()).toList());
        long children = 0;
        for (AttachmentItem a : body.attachments()) {
            if (a != null && a.dids() != null) {
                children += a.dids().size();
                RequestLimits.requireDistinct("DID", a.dids(), d -> RequestLimits.didKey(d.scope(), d.name()));
            }
        }
        limits.requireAtMost("DIDs to attach", body.attachments().size() + children);
        // Every registration of replicas among them is judged before the first one is written.
        for (AttachmentItem a : body.attachments()) {
            if (a != null && a.dids() != null && !a.dids().isEmpty() && a.rse() != null && !a.rse().isBlank()) {
                replicas.requireRegistration(caller, a.rse(), replicaFiles(a.dids()));
            }
        }
        boolean ignore = Boolean.TRUE.equals(body.ignore_duplicate());
        List<AttachmentStore.Attachment> plain = new ArrayList<>();
        for (AttachmentItem a : body.attachments()) {
            if (a == null || a.dids() == null || a.dids().isEmpty()) {
                throw new InvalidObject("Each attachment needs a scope, a name and a non-empty list of dids");
            }
            if (a.rse() != null && !a.rse().isBlank()) {
                // Registering replicas is its own all-or-nothing step per parent, as in Rucio.
                attach(DidRef.of(a.scope(), a.name()), a.dids(), a.rse(), ignore, caller);
            } else {
                plain.add(new AttachmentStore.Attachment(DidRef.of(a.scope(), a.name()), refs(a.dids())));
            }
        }
        if (!plain.isEmpty()) {
            attachments.attach(plain, ignore);
        }
        return Created.response();
    }

    @GetMapping("/{scope}/{name}/files")
    public void listFiles(@PathVariable String scope, @PathVariable String name, HttpServletResponse response) {
        JsonStream.respond(mapper, response, out -> {
            attachments.listFiles(DidRef.of(scope, name), d -> out.accept(DidDocuments.file(d)));
        });
    }

    @GetMapping("/{scope}/{name}/parents")
    public void listParents(@PathVariable String scope, @PathVariable String name, HttpServletResponse response) {
        List<AttachmentStore.Content> parents = attachments.parents(DidRef.of(scope, name));
        JsonStream.respond(mapper, response, out -> {
            parents.forEach(p -> out.accept(DidDocuments.parent(p)));
        });
    }

    /** Rucio's metadata plugins: DID_COLUMN (the default) for the stored columns, JSON for free metadata, ALL for both. */
    @GetMapping("/{scope}/{name}/meta")
    public Map<String, Object> meta(@PathVariable String scope, @PathVariable String name,
                                    @RequestParam(defaultValue = "DID_COLUMN") String plugin) {
        String p = plugin.toUpperCase(Locale.ROOT);
        switch (p) {
            case "DID_COLUMN":
                return DidDocuments.columns(dids.get(scope, name));
            case "JSON":
                return dids.meta(scope, name);
            case "ALL":
                Map<String, Object> all = new LinkedHashMap<>(DidDocuments.columns(dids.get(scope, name)));
                all.putAll(dids.meta(scope, name));
                return all;
            default:
                throw new InvalidObject("Unknown metadata plugin '" + plugin + "' (expected DID_COLUMN, JSON or ALL)");
        }
    }

    /** An admin's deletion of a DID at once; users give a DID a lifetime ({@code meta/lifetime}) instead. */
    @DeleteMapping("/{scope}/{name}")
    public void delete(@PathVariable String scope, @PathVariable String name, Caller caller) {
        eraser.erase(caller, scope, name);
    }

    @PostMapping("/{scope}/{name}/meta")
    public ResponseEntity<String> setMeta(@PathVariable String scope, @PathVariable String name,
                                          @RequestBody MetaBody body, Caller caller) {
        gateway.requireSetMetadata(caller, scope);
        if (body == null || body.meta() == null || body.meta().isEmpty()) {
            throw new InvalidObject("Request body must carry metadata: {\"meta\": {\"key\": value}}");
        }
        dids.setMeta(scope, name, body.meta());
        return Created.response();
    }

    @PostMapping("/{scope}/{name}/meta/{key}")
    public ResponseEntity<String> setMetaKey(@PathVariable String scope, @PathVariable String name,
                                             @PathVariable String key, @RequestBody MetaValueBody body,
                                             Caller caller) {
        gateway.requireSetMetadata(caller, scope);
        if (body == null || body.value() == null) {
            throw new InvalidObject("Request body must carry a value: {\"value\": ...}");
        }
        Map<String, Object> one = new LinkedHashMap<>();
        one.put(key, body.value());
        dids.setMeta(scope, name, one);
        return Created.response();
    }

    @DeleteMapping("/{scope}/{name}/meta")
    public void deleteMeta(@PathVariable String scope, @PathVariable String name, @RequestParam String key,
                           Caller caller) {
        gateway.deleteMeta(caller, scope, name, key);
    }

    @PutMapping("/{scope}/{name}/status")
    public void setStatus(@PathVariable String scope, @PathVariable String name, @RequestBody StatusBody body,
                          Caller caller) {
        gateway.requireSetStatus(caller, scope);
        if (body == null || body.open() == null) {
            throw new InvalidObject("Request body must say {\"open\": true|false}");
        }
        dids.setOpen(scope, name, body.open());
    }

    /** Rucio's search: names only, or documents with {@code long=1}; {@code name} takes '*' wildcards. */
    @GetMapping("/{scope}/dids/search")
    public void search(@PathVariable String scope, @RequestParam(required = false) String name,
                       @RequestParam(required = false) String type,
                       @RequestParam(name = "long", required = false) String longForm,
                       @RequestParam(required = false, defaultValue = "0") long limit,
                       HttpServletResponse response) {
        DidType didType = type == null || type.isBlank() || type.equalsIgnoreCase("all") ? null : DidType.parse(type);
        boolean full = longForm != null && (longForm.equals("1") || longForm.equalsIgnoreCase("true"));
        JsonStream.respond(mapper, response, out -> {
            dids.search(scope, name, didType, limit, d -> out.accept(full ? DidDocuments.searchResult(d) : d.name()));
        });
    }

    static List<DidRef> refs(List<DidItem> items) {
        List<DidRef> refs = new ArrayList<>(items.size());
        for (DidItem item : items) {
            requireItem(item);
            refs.add(DidRef.of(item.scope(), item.name()));
        }
        return refs;
    }

    /** Before any store work: a bounded list without a DID twice. */
    private void requireItems(List<DidItem> items) {
        if (items != null) {
            limits.requireAtMost("DIDs", items.size());
            RequestLimits.requireDistinct("DID", items, d -> RequestLimits.didKey(d.scope(), d.name()));
        }
    }

    private static void requireItem(DidItem item) {
        if (item == null) {
            throw new InvalidObject("A DID in the list is null; each must be {\"scope\": ..., \"name\": ...}");
        }
    }

}
