package dev.freight.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freight.delivery.DeliveryPlan;
import dev.freight.delivery.DeliveryPlans;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.schedule.CatchUp;
import dev.freight.schedule.Schedule;

import java.util.Set;

/**
 * A schedule as the API and {@code freight schedules create} take it: {@code name}, {@code cron},
 * {@code time_zone}, {@code catch_up}, {@code paused}, the export {@code request} (as POST /export/jobs takes it)
 * and, beside it, {@code deliveries}, {@code notify_url}, {@code notify_email} and {@code condition}.
 */
public final class ScheduleBody {
    static final Set<String> FIELDS = Set.of("name", "cron", "time_zone", "catch_up", "request", "deliveries",
            "notify_url", "notify_email", "condition", "paused");

    private ScheduleBody() {
    }

    /** A schedule body: strict as an export request is, with the request itself under {@code request}. */
    public static Schedule.Definition parse(byte[] body) {
        return parse(body, false);
    }

    /**
     * {@code pausedIfAbsent}: what a body without {@code paused} means (a replacement keeps the schedule's state:
     * editing a paused schedule's cron does not start it).
     */
    public static Schedule.Definition parse(byte[] body, boolean pausedIfAbsent) {
        try {
            return read(body, pausedIfAbsent);
        } catch (ApiProblem e) {
            // Every refusal here is a 400; the command line reads the same wording.
            throw new InvalidRequestException(e.code(), e.field(), e.getMessage());
        }
    }

    private static Schedule.Definition read(byte[] body, boolean pausedIfAbsent) {
        JsonNode root = ExportRequestParser.readTree(body);
        if (!root.isObject()) {
            throw ApiProblem.badRequest(ProblemCode.INVALID_TYPE, null, "the request body must be a JSON object, got "
                    + ExportRequestParser.describe(root));
        }
        ExportRequestParser.rejectUnknown(root, FIELDS, "");
        String name = ExportRequestParser.string(root.get("name"), "name");
        if (name == null) throw invalid("name", "name is missing: a name for the schedule, unique among yours");
        String cron = ExportRequestParser.string(root.get("cron"), "cron");
        String zone = ExportRequestParser.string(root.get("time_zone"), "time_zone");
        String catchUpName = ExportRequestParser.string(root.get("catch_up"), "catch_up");
        CatchUp catchUp = catchUpName == null ? CatchUp.LAST : CatchUp.fromWire(catchUpName).orElseThrow(() ->
                invalid("catch_up", Messages.unknown("catch_up", catchUpName, CatchUp.choices())));
        JsonNode request = root.get("request");
        if (request == null || request.isNull()) {
            throw invalid("request", "request is missing: the export each run makes, as POST /export/jobs takes it");
        }
        if (!request.isObject()) {
            throw ApiProblem.badRequest(ProblemCode.INVALID_TYPE, "request", "request must be a JSON object, got "
                    + ExportRequestParser.describe(request));
        }
        ExportRequestParser.Parsed parsed = ExportRequestParser.parse(request);
        if (parsed.delivery() == Delivery.SYNC) {
            throw ApiProblem.badRequest(ProblemCode.INVALID_DELIVERY, "request.delivery", "a schedule's runs are jobs: "
                    + "leave delivery out (or async)");
        }
        if (!parsed.plan().equals(DeliveryPlan.NONE)) {
            throw invalid("request", "put deliveries, notify_url, notify_email and condition beside request, not in it");
        }
        DeliveryPlan plan = DeliveryPlans.parse(root);
        JsonNode pausedNode = root.get("paused");
        boolean paused = pausedNode == null || pausedNode.isNull() ? pausedIfAbsent
                : ExportRequestParser.bool(pausedNode, "paused");
        return new Schedule.Definition(name, cron, zone, catchUp, parsed.request(), plan, paused);
    }

    private static ApiProblem invalid(String field, String message) {
        return ApiProblem.badRequest(ProblemCode.INVALID_SCHEDULE, field, message);
    }

}
