package dev.freight.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freight.error.InvalidRequestException;
import dev.freight.audit.AuditEvent;
import dev.freight.audit.AuditLog;
import dev.freight.audit.JdbcAuditLog;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code freight audit}: the audit log from the job store, newest first (an operator's view: every principal). */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Show the audit log: exports created, refused, completed, failed, downloaded, deleted, cancelled.")
final class AuditCommand extends NodeCommand {
    private static final Pattern AGO = Pattern.compile("(\\d{1,9})(s|m|h|d)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    NodeOptions node;

    @Option(names = "--principal", description = "Only events of this principal.")
    String principal;

    @Option(names = "--action", description = "Only this action (export_created, export_refused, export_completed, "
            + "export_failed, export_downloaded, export_deleted, export_cancelled, link_created).")
    String action;

    @Option(names = "--dataset", description = "Only events about this dataset.")
    String dataset;

    @Option(names = "--job", description = "Only events about this job.")
    String job;

    @Option(names = "--since", description = "Only events since this long ago (30m, 2h, 7d) or this ISO-8601 time.")
    String since;

    @Option(names = "--limit", defaultValue = "50", description = "How many (1 to 500, default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "One JSON object per event and line, as GET /api/v1/audit shows them.")
    boolean json;

    @Override
    int execute() throws JsonProcessingException {
        if (limit < 1 || limit > AuditLog.MAX_LIMIT) {
            throw new InvalidRequestException(ProblemCode.INVALID_LIMIT, "limit", "--limit must be 1 to " + AuditLog.MAX_LIMIT);
        }
        if (action != null && !AuditEvent.ACTIONS.contains(action)) {
            throw new InvalidRequestException(ProblemCode.INVALID_ACTION, "action", Messages.unknown("action", action,
                    AuditEvent.ACTIONS));
        }
        Instant from = since == null ? null : since(since, Instant.now());
        try (FreightRuntime runtime = FreightRuntime.storesOnly(node.load())) {
            AuditLog.Page page = new JdbcAuditLog(runtime.store.dataSource()).find(
                    new AuditLog.Query(principal, action, dataset, job, from, null, null, limit));
            if (json) {
                for (AuditEvent e : page.events()) System.out.println(JSON.writeValueAsString(e.toMap()));
                return Main.EXIT_OK;
            }
            String format = "%-19s  %-17s  %-16s  %-26s  %-20s  %-7s  %10s  %10s  %-15s  %s%n";
            System.out.printf(format, "AT", "ACTION", "PRINCIPAL", "JOB", "DATASET", "FORMAT", "ROWS", "BYTES", "FROM",
                    "DETAIL");
            for (AuditEvent e : page.events()) {
                String detail = e.code() == null ? dash(e.detail()) : e.code() + (e.detail() == null ? "" : ": " + e.detail());
                System.out.printf(format, e.at().toString().substring(0, 19), e.action(), dash(e.principal()),
                        dash(e.jobId()), dash(e.dataset()), dash(e.format()),
                        e.rowCount() == null ? "-" : Summary.count(e.rowCount()),
                        e.bytes() == null ? "-" : Summary.bytes(e.bytes()), dash(e.clientAddress()), oneLine(detail));
            }
            if (page.nextCursor() != null) {
                System.err.println("More events are older; raise --limit or narrow with --since, --principal, --action");
            }
            return Main.EXIT_OK;
        }
    }

    static Instant since(String text, Instant now) {
        Matcher ago = AGO.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (ago.matches()) {
            long n = Long.parseLong(ago.group(1));
            Duration d = switch (ago.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        try {
            return OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(ProblemCode.INVALID_TIME, "since", "--since expects a duration (30m, 2h, 7d) or an "
                    + "ISO-8601 time with offset (2024-05-01T10:00:00Z), got '" + text + "'");
        }
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s*\\R\\s*", " ");
        return t.length() > 120 ? t.substring(0, 117) + "..." : t;
    }
}
