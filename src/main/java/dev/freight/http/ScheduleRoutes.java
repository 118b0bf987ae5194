package dev.freight.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.delivery.DeliveryPlan;
import dev.freight.delivery.DeliveryPlans;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.job.Job;
import dev.freight.schedule.Schedule;
import dev.freight.schedule.ScheduleStore;
import dev.freight.schedule.Schedules;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scheduled exports: CRUD at {@code /export/schedules}, and pause, resume and run now. Callers see and change their
 * own schedules; admins every one. Another caller's schedule is "not found", as another's job is.
 */
final class ScheduleRoutes {
    static final String PATH = FreightServer.API + "/export/schedules";

    private final Schedules schedules;
    private final FreightServer.Settings settings;
    private final LimitGuard limits;

    ScheduleRoutes(Schedules schedules, FreightServer.Settings settings, LimitGuard limits) {
        this.schedules = schedules;
        this.settings = settings;
        this.limits = limits;
    }

    void list(Context ctx) {
        Http.Caller caller = Http.caller(ctx);
        List<Map<String, Object>> items = schedules.store().list(caller.admin() ? null : caller.name()).stream()
                .map(this::json).toList();
        Http.json(ctx, 200, Map.of("schedules", items));
    }

    void create(Context ctx) throws IOException {
        Http.Caller caller = Http.caller(ctx);
        Schedule.Definition d = ScheduleBody.parse(Http.body(ctx, limits.maxBody(caller.principal(), settings.maxRequestBytes())));
        Schedule created;
        try {
            created = schedules.create(caller.principal(), d);
        } catch (ScheduleStore.NameTakenException e) {
            throw new ApiProblem(409, ProblemCode.SCHEDULE_EXISTS, "name", e.getMessage());
        }
        ctx.header("Location", PATH + "/" + created.id());
        Http.json(ctx, 201, json(created));
    }

    void get(Context ctx) {
        Http.json(ctx, 200, json(visible(ctx)));
    }

    /** PUT: the whole definition, as create takes it. */
    void replace(Context ctx) throws IOException {
        Http.Caller caller = Http.caller(ctx);
        Schedule existing = visible(ctx);
        Schedule.Definition d = ScheduleBody.parse(Http.body(ctx, limits.maxBody(caller.principal(), settings.maxRequestBytes())),
                existing.paused());
        try {
            Http.json(ctx, 200, json(schedules.replace(existing, d).orElseThrow(() -> notFound(existing.id()))));
        } catch (ScheduleStore.NameTakenException e) {
            throw new ApiProblem(409, ProblemCode.SCHEDULE_EXISTS, "name", e.getMessage());
        }
    }

    void delete(Context ctx) {
        Schedule s = visible(ctx);
        if (!schedules.delete(s)) throw notFound(s.id());
        ctx.status(204);
    }

    void pause(Context ctx) {
        Schedule s = visible(ctx);
        Http.json(ctx, 200, json(schedules.pause(s).orElseThrow(() -> notFound(s.id()))));
    }

    void resume(Context ctx) {
        Schedule s = visible(ctx);
        Http.json(ctx, 200, json(schedules.resume(s).orElseThrow(() -> notFound(s.id()))));
    }

    /** Runs it now as an ordinary job under the caller's caps; its ticks are unchanged. */
    void run(Context ctx) {
        Http.Caller caller = Http.caller(ctx);
        Schedule s = visible(ctx);
        Job job = limits.underCaps(caller.principal(), admission -> schedules.runNow(s, admission));
        ctx.header("Location", JobJson.location(job.id()));
        Http.json(ctx, 202, JobJson.of(job, List.of()));
    }

    /** GET /export/schedules/preview?cron=…&time_zone=…: the next runs of a cron being written. */
    void preview(Context ctx) {
        String cron = ctx.queryParam("cron");
        String zone = ctx.queryParam("time_zone");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("next_runs", schedules.preview(cron, zone).stream().map(JobJson::ts).toList());
        Http.json(ctx, 200, body);
    }

    private Schedule visible(Context ctx) {
        String id = ctx.pathParam("id");
        Http.Caller caller = Http.caller(ctx);
        return schedules.store().get(id).filter(s -> caller.admin() || s.owner().name().equals(caller.name()))
                .orElseThrow(() -> notFound(id));
    }

    private static ApiProblem notFound(String id) {
        return ApiProblem.notFound("no schedule '" + Messages.shorten(id) + "'");
    }

    private Map<String, Object> json(Schedule s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("name", s.name());
        m.put("owner", s.owner().name());
        m.put("cron", s.cron());
        m.put("time_zone", s.timeZone());
        m.put("catch_up", s.catchUp().wireName());
        m.put("paused", s.paused());
        m.put("request", JobJson.request(s.request()));
        m.putAll(planJson(s.plan()));
        m.put("next_run_at", JobJson.ts(s.nextRunAt()));
        m.put("next_runs", schedules.nextRuns(s).stream().map(JobJson::ts).toList());
        m.put("last_run_at", JobJson.ts(s.lastRunAt()));
        m.put("last_job_id", s.lastJobId());
        m.put("last_status", s.lastStatus());
        m.put("last_error", s.lastError());
        m.put("created_at", JobJson.ts(s.createdAt()));
        m.put("updated_at", JobJson.ts(s.updatedAt()));
        return m;
    }

    /** {@code deliveries} and {@code condition}, as the body that saved them has them. */
    private static Map<String, Object> planJson(DeliveryPlan plan) {
        Map<String, Object> m = new LinkedHashMap<>();
        JsonNode stored;
        try {
            stored = plan.equals(DeliveryPlan.NONE) ? null : Json.MAPPER.readTree(DeliveryPlans.toJson(plan));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a stored delivery plan always reads back", e);
        }
        m.put("deliveries", stored != null && stored.has("targets") ? stored.get("targets") : List.of());
        m.put("condition", plan.condition());
        return m;
    }
}
