package org.stevedore.web.campaign;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.tape.campaign.CampaignProgress;
import org.stevedore.tape.campaign.CampaignService;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.CampaignFile;
import org.stevedore.tape.store.CampaignState;
import org.stevedore.tape.store.NewCampaign;
import org.stevedore.web.api.JsonStream;
import org.stevedore.web.api.RequestLimits;
import org.stevedore.web.api.RucioDates;
import org.stevedore.web.auth.Caller;

/**
 * Pre-staging campaigns: submit (inputs as a JSON list of DIDs, or an uploaded text list of {@code scope:name}, one per
 * line, with the parameters as query parameters), progress, list, pause, resume, cancel, failures.
 */
@RestController
public class CampaignController {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record DidItem(String scope, String name) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record SubmitBody(List<DidItem> dids, String rse_expression, Long pin_lifetime, Long window_files,
                      Long window_bytes, Integer priority, String deadline) {
    }

    static final long DEFAULT_PIN_LIFETIME = Duration.ofDays(2).toSeconds();
    static final long DEFAULT_WINDOW_FILES = 5_000;
    static final long DEFAULT_WINDOW_BYTES = 10_000_000_000_000L;
    static final int DEFAULT_PRIORITY = 3;

    private final CampaignService service;
    private final CampaignGateway gateway;
    private final ObjectMapper mapper;
    private final RequestLimits limits;

    public CampaignController(CampaignService service, CampaignGateway gateway, ObjectMapper mapper,
                              RequestLimits limits) {
        this.limits = limits;
        this.service = service;
        this.gateway = gateway;
        this.mapper = mapper;
    }

    /** Answers 201 with the campaign document. */
    @PostMapping(value = {"/campaigns", "/campaigns/"}, consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> submit(@RequestBody SubmitBody body, Caller caller) {
        if (body == null) {
            throw new InvalidObject("Request body must describe the campaign: {\"dids\", \"rse_expression\", ...}");
        }
        List<DidRef> dids = new ArrayList<>();
        if (body.dids() != null) {
            limits.requireAtMost("DIDs", body.dids().size());
            for (DidItem d : body.dids()) {
                if (d == null) {
                    throw new InvalidObject("A DID of the campaign is null");
                }
                dids.add(DidRef.of(d.scope(), d.name()));
            }
        }
        return submit(dids, body.rse_expression(), body.pin_lifetime(), body.window_files(), body.window_bytes(),
                body.priority(), body.deadline(), caller);
    }

    /** The same with the DIDs uploaded as text, one {@code scope:name} per line ({@code #} comments allowed). */
    @PostMapping(value = {"/campaigns", "/campaigns/"}, consumes = MediaType.TEXT_PLAIN_VALUE)
    public ResponseEntity<Map<String, Object>> submitList(@RequestBody(required = false) String list,
                                                          @RequestParam(required = false) String rse_expression,
                                                          @RequestParam(required = false) Long pin_lifetime,
                                                          @RequestParam(required = false) Long window_files,
                                                          @RequestParam(required = false) Long window_bytes,
                                                          @RequestParam(required = false) Integer priority,
                                                          @RequestParam(required = false) String deadline,
                                                          Caller caller) {
        List<DidRef> dids = new ArrayList<>();
        int line = 0;
        for (String raw : (list == null ? "" : list).split("\r?\n")) {
            line++;
            String item = raw.strip();
            if (item.isEmpty() || item.startsWith("#")) {
                continue;
            }
            int colon = item.indexOf(':');
            if (colon <= 0) {
                throw new InvalidObject("Line " + line + " of the DID list is not scope:name: '" + item + "'");
            }
            dids.add(DidRef.of(item.substring(0, colon), item.substring(colon + 1)));
            limits.requireAtMost("DIDs", dids.size());
        }
        return submit(dids, rse_expression, pin_lifetime, window_files, window_bytes, priority, deadline, caller);
    }

    private ResponseEntity<Map<String, Object>> submit(List<DidRef> dids, String expression, Long pinLifetime,
                                                       Long windowFiles, Long windowBytes, Integer priority,
                                                       String deadline, Caller caller) {
        if (dids.isEmpty()) {
            throw new InvalidObject("A campaign needs at least one input DID ('dids')");
        }
        Instant due = null;
        if (deadline != null && !deadline.isBlank()) {
            try {
                due = Instant.parse(deadline.strip());
            } catch (DateTimeParseException e) {
                throw new InvalidObject("'deadline' must be an ISO-8601 instant such as 2026-03-01T00:00:00Z, got '"
                        + deadline + "'");
            }
        }
        Set<String> inputs = new LinkedHashSet<>();
        dids.forEach(d -> inputs.add(d.key()));
        NewCampaign request = new NewCampaign(caller.account(), List.copyOf(inputs), expression,
                Duration.ofSeconds(pinLifetime == null ? DEFAULT_PIN_LIFETIME : pinLifetime),
                windowFiles == null ? DEFAULT_WINDOW_FILES : windowFiles,
                windowBytes == null ? DEFAULT_WINDOW_BYTES : windowBytes,
                priority == null ? DEFAULT_PRIORITY : priority, due);
        Campaign campaign = gateway.submit(caller, request);
        return ResponseEntity.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON)
                .body(document(service.progress(campaign.id())));
    }

    @GetMapping("/campaigns/{id}")
    public Map<String, Object> get(@PathVariable String id) {
        return document(service.progress(id));
    }

    /** One campaign document per line, newest first. */
    @GetMapping({"/campaigns", "/campaigns/"})
    public void list(@RequestParam(required = false) String state, @RequestParam(required = false) String account,
                     HttpServletResponse response) {
        CampaignState s = null;
        if (state != null && !state.isBlank()) {
            try {
                s = CampaignState.valueOf(state.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidObject("Unknown campaign state '" + state + "'");
            }
        }
        CampaignState filter = s;
        JsonStream.respond(mapper, response, out -> service.list(filter, account,
                c -> out.accept(document(service.progress(c)))));
    }

    @PostMapping("/campaigns/{id}/pause")
    public Map<String, Object> pause(@PathVariable String id, Caller caller) {
        return document(service.progress(gateway.pause(caller, id)));
    }

    @PostMapping("/campaigns/{id}/resume")
    public Map<String, Object> resume(@PathVariable String id, Caller caller) {
        return document(service.progress(gateway.resume(caller, id)));
    }

    @PostMapping("/campaigns/{id}/cancel")
    public Map<String, Object> cancel(@PathVariable String id, Caller caller) {
        return document(service.progress(gateway.cancel(caller, id)));
    }

    /** Failed files with their reasons. */
    @GetMapping("/campaigns/{id}/failures")
    public List<Map<String, Object>> failures(@PathVariable String id, @RequestParam(defaultValue = "1000") int limit) {
        if (limit < 1) {
            throw new InvalidObject("'limit' must be at least 1, got " + limit);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (CampaignFile f : service.failures(id, limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scope", f.scope());
            m.put("name", f.name());
            m.put("bytes", f.bytes());
            m.put("rse", f.tapeRse());
            m.put("request_id", f.requestId());
            m.put("reason", f.reason());
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> document(CampaignProgress p) {
        Campaign c = p.campaign();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("account", c.account());
        m.put("state", c.state().name());
        m.put("dids", c.inputs().stream().map(k -> Map.of("scope", k.substring(0, k.indexOf(':')),
                "name", k.substring(k.indexOf(':') + 1))).toList());
        m.put("rse_expression", c.destinationExpression());
        m.put("pin_lifetime", c.pinLifetime().toSeconds());
        m.put("window_files", c.windowFiles());
        m.put("window_bytes", c.windowBytes());
        m.put("priority", c.priority());
        m.put("deadline", c.deadline() == null ? null : RucioDates.iso(c.deadline()));
        m.put("expanded", c.expanded());
        m.put("files", c.total().files());
        m.put("bytes", c.total().bytes());
        m.put("files_requested", c.requested().files());
        m.put("bytes_requested", c.requested().bytes());
        m.put("files_staged", c.staged().files());
        m.put("bytes_staged", c.staged().bytes());
        m.put("files_failed", c.failed().files());
        m.put("bytes_failed", c.failed().bytes());
        m.put("files_per_second", p.filesPerSecond());
        m.put("bytes_per_second", p.bytesPerSecond());
        m.put("eta_seconds", p.eta() == null ? null : p.eta().toSeconds());
        if (c.target() != null && p.copies() != null) {
            // Where staged files go on to, and how many are there (the target rule's locks OK) or stuck on the way.
            m.put("dataset", c.target().datasetKey());
            m.put("rule_id", c.target().ruleId());
            m.put("files_copied", p.copies().copied().files());
            m.put("bytes_copied", p.copies().copied().bytes());
            m.put("files_copy_stuck", p.copies().stuck().files());
            m.put("bytes_copy_stuck", p.copies().stuck().bytes());
            m.put("files_left_out", p.copies().leftOut().files());
        }
        m.put("error", c.error());
        m.put("created_at", RucioDates.iso(c.createdAt()));
        m.put("updated_at", RucioDates.iso(c.updatedAt()));
        m.put("completed_at", c.completedAt() == null ? null : RucioDates.iso(c.completedAt()));
        return m;
    }
}
