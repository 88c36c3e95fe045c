package org.stevedore.web.replica;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.ReplicaState;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.time.Lifetimes;
import org.stevedore.web.api.Created;
import org.stevedore.web.api.JsonStream;
import org.stevedore.web.api.RequestLimits;
import org.stevedore.web.api.RucioCompatible;
import org.stevedore.web.auth.Caller;

/**
 * Replica registration, deletion and listing at Rucio's paths; whether a caller may register or delete is
 * {@link ReplicaGateway}'s to decide.
 */
@RucioCompatible
@RestController
@RequestMapping("/replicas")
public class ReplicaController {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record FileItem(String scope, String name, Long bytes, String adler32, String md5, String pfn, String state,
                    Long tombstone, String guid, Map<String, Object> meta) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ReplicasBody(String rse, List<FileItem> files, Boolean ignore_availability) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record DidItem(String scope, String name) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ListBody(List<DidItem> dids, Boolean all_states, List<String> schemes) {
    }

    private final ReplicaStore replicas;
    private final PfnResolver pfns;
    private final ObjectMapper mapper;
    private final ReplicaGateway gateway;
    private final RequestLimits limits;

    public ReplicaController(ReplicaStore replicas, PfnResolver pfns, ObjectMapper mapper, ReplicaGateway gateway,
                             RequestLimits limits) {
        this.limits = limits;
        this.gateway = gateway;
        this.replicas = replicas;
        this.pfns = pfns;
        this.mapper = mapper;
    }

    @PostMapping({"", "/"})
    public ResponseEntity<String> add(@RequestBody ReplicasBody body, Caller caller) {
        requireFiles(body);
        List<NewReplica> files = new ArrayList<>(body.files().size());
        for (FileItem f : body.files()) {
            if (f == null) {
                throw new InvalidObject("A file in the list is null");
            }
            files.add(new NewReplica(f.scope(), f.name(), f.bytes(), f.adler32(), f.md5(), f.pfn(),
                    f.state() == null ? null : ReplicaState.parse(f.state()),
                    f.tombstone() == null ? null : Lifetimes.epochSecond("tombstone", f.tombstone()), f.guid(), f.meta()));
        }
        gateway.add(caller, body.rse(), files, Boolean.TRUE.equals(body.ignore_availability()), null);
        return Created.response();
    }

    @DeleteMapping({"", "/"})
    public void delete(@RequestBody ReplicasBody body, Caller caller) {
        gateway.requireDelete(caller, body == null ? null : body.rse());
        requireFiles(body);
        List<DidRef> refs = new ArrayList<>(body.files().size());
        for (FileItem f : body.files()) {
            if (f == null) {
                throw new InvalidObject("A file in the list is null");
            }
            refs.add(DidRef.of(f.scope(), f.name()));
        }
        replicas.delete(body.rse(), refs);
    }

    private void requireFiles(ReplicasBody body) {
        if (body == null || body.rse() == null || body.files() == null || body.files().isEmpty()) {
            throw new InvalidObject("Request body must be {\"rse\": ..., \"files\": [{\"scope\", \"name\", ...}]}");
        }
        limits.requireAtMost("files", body.files().size());
        RequestLimits.requireDistinct("File", body.files(), f -> RequestLimits.didKey(f.scope(), f.name()));
    }

    /** The listing the Rucio client uses for {@code list-file-replicas} and downloads. */
    @PostMapping("/list")
    public void list(@RequestBody ListBody body, HttpServletResponse response) {
        if (body == null || body.dids() == null || body.dids().isEmpty()) {
            throw new InvalidObject("Request body must name DIDs: {\"dids\": [{\"scope\", \"name\"}]}");
        }
        limits.requireAtMost("DIDs", body.dids().size());
        RequestLimits.requireDistinct("DID", body.dids(), d -> RequestLimits.didKey(d.scope(), d.name()));
        List<DidRef> refs = new ArrayList<>();
        for (DidItem d : body.dids()) {
            if (d == null) {
                throw new InvalidObject("A DID in the list is null");
            }
            refs.add(DidRef.of(d.scope(), d.name()));
        }
        stream(refs, Boolean.TRUE.equals(body.all_states()), body.schemes(), response);
    }

    @GetMapping("/{scope}/{name}")
    public void listOne(@PathVariable String scope, @PathVariable String name, HttpServletResponse response) {
        stream(List.of(DidRef.of(scope, name)), false, null, response);
    }

    private void stream(List<DidRef> refs, boolean allStates, List<String> schemes, HttpServletResponse response) {
        PfnResolver.Session session = pfns.session(schemes);
        JsonStream.respond(mapper, response, out -> {
            replicas.list(refs, allStates, f -> {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("scope", f.scope());
                doc.put("name", f.name());
                doc.put("bytes", f.bytes());
                doc.put("md5", f.md5());
                doc.put("adler32", f.adler32());
                Map<String, Object> pfnMap = new LinkedHashMap<>();
                Map<String, List<String>> rses = new LinkedHashMap<>();
                Map<String, String> states = new LinkedHashMap<>();
                for (ReplicaStore.At at : f.replicas()) {
                    List<String> rsePfns = new ArrayList<>();
                    for (PfnResolver.Pfn pfn : session.pfns(at, f.scope(), f.name())) {
                        Map<String, Object> info = new LinkedHashMap<>();
                        info.put("rse_id", at.rseId());
                        info.put("rse", at.rse());
                        info.put("type", at.rseType());
                        info.put("volatile", at.isVolatile());
                        info.put("domain", "wan");
                        info.put("priority", pfn.priority());
                        info.put("client_extract", false);
                        pfnMap.put(pfn.url(), info);
                        rsePfns.add(pfn.url());
                    }
                    rses.put(at.rse(), rsePfns);
                    states.put(at.rse(), at.state().name());
                }
                doc.put("pfns", pfnMap);
                doc.put("rses", rses);
                doc.put("states", states);
                out.accept(doc);
            });
        });
    }
}
