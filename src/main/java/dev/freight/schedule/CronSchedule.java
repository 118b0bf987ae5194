package dev.freight.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.freight.error.InvalidRequestException;
import dev.freight.error.ProblemCode;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A cron expression read in a time zone: the instants a schedule fires at.
 *
 * <p>Ticks are wall-clock times in the zone. cron-utils steps through them on a clock without offsets (the zone's
 * local time written as UTC), and each one is then placed in the zone: a wall time the zone skips (02:30 on the
 * day clocks go forward) fires once, shifted by the gap (03:30); a wall time the zone repeats (02:30 on the day
 * clocks go back) fires once, at its first occurrence. So a daily schedule runs once on both days, and two ticks
 * that land on one instant fire once.
 *
 * <p>Five fields are the Unix form (minute hour day-of-month month day-of-week); six put seconds first.
 */
public final class CronSchedule {
    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser WITH_SECONDS = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));
    /** Enough steps for a per-second schedule over a day; a longer walk (catch-up after downtime) jumps instead. */
    private static final int MAX_STEPS = 100_000;
    static final int MAX_LENGTH = 200;

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime times;

    private CronSchedule(String expression, ZoneId zone, ExecutionTime times) {
        this.expression = expression;
        this.zone = zone;
        this.times = times;
    }

    /** Parses both; a malformed expression or unknown zone is an {@code invalid_schedule} naming the field. */
    public static CronSchedule parse(String cron, String timeZone) {
        if (cron == null || cron.isBlank()) throw invalid("cron", "cron is missing: five fields (minute hour day month "
                + "weekday), e.g. \"0 8 * * MON\"");
        String expression = cron.trim().replaceAll("\\s+", " ");
        // What is stored is at most this long (export_schedule.cron); a longer one is no cron a person writes.
        if (expression.length() > MAX_LENGTH) {
            throw invalid("cron", "cron \"" + shorten(expression) + "\" is longer than " + MAX_LENGTH + " characters");
        }
        int fields = expression.split(" ").length;
        if (fields != 5 && fields != 6) {
            throw invalid("cron", "cron \"" + shorten(expression) + "\" has " + fields + " fields: use five (minute hour "
                    + "day month weekday) or six (seconds first)");
        }
        Cron parsed;
        try {
            parsed = (fields == 5 ? UNIX : WITH_SECONDS).parse(expression);
            parsed.validate();
        } catch (IllegalArgumentException e) {
            throw invalid("cron", "cron \"" + shorten(expression) + "\" is not valid: " + e.getMessage());
        }
        return new CronSchedule(expression, zone(timeZone), ExecutionTime.forCron(parsed));
    }

    static ZoneId zone(String timeZone) {
        if (timeZone == null || timeZone.isBlank()) return ZoneId.of("UTC");
        try {
            return ZoneId.of(timeZone.trim());
        } catch (DateTimeException e) {
            throw invalid("time_zone", "time_zone \"" + shorten(timeZone) + "\" is not a time zone: use an IANA name such "
                    + "as Europe/Berlin, or UTC");
        }
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The first tick strictly after {@code after}; empty when the expression never fires again. */
    public Optional<Instant> nextAfter(Instant after) {
        LocalDateTime wall = LocalDateTime.ofInstant(after, zone);
        for (int i = 0; i < MAX_STEPS; i++) {
            Optional<ZonedDateTime> next = times.nextExecution(wall.atZone(ZoneOffset.UTC));
            if (next.isEmpty()) return Optional.empty();
            wall = next.get().toLocalDateTime();
            Instant at = place(wall);
            if (at.isAfter(after)) return Optional.of(at);
        }
        return Optional.empty();
    }

    /** The next {@code n} ticks after {@code after}. */
    public List<Instant> next(Instant after, int n) {
        List<Instant> out = new ArrayList<>(n);
        Instant at = after;
        for (int i = 0; i < n; i++) {
            Optional<Instant> next = nextAfter(at);
            if (next.isEmpty()) break;
            at = next.get();
            out.add(at);
        }
        return out;
    }

    /**
     * The newest tick at or before {@code now} (and after {@code after}): the one a schedule catches up with after
     * downtime. Found from {@code now} backwards, so a long downtime costs no walk through every missed tick.
     */
    public Optional<Instant> latestAtOrBefore(Instant now, Instant after) {
        LocalDateTime wall = LocalDateTime.ofInstant(now, zone).plusNanos(1);
        for (int i = 0; i < MAX_STEPS; i++) {
            Optional<ZonedDateTime> last = times.lastExecution(wall.atZone(ZoneOffset.UTC));
            if (last.isEmpty()) return Optional.empty();
            wall = last.get().toLocalDateTime();
            Instant at = place(wall);
            if (!at.isAfter(after)) return Optional.empty();
            // A skipped wall time is placed after the gap, possibly past now: look further back.
            if (!at.isAfter(now)) return Optional.of(at);
        }
        return Optional.empty();
    }

    /** A wall time in the zone: shifted past a gap, the earlier offset in an overlap. */
    private Instant place(LocalDateTime wall) {
        return ZonedDateTime.ofLocal(wall, zone, null).toInstant();
    }

    private static InvalidRequestException invalid(String field, String message) {
        return new InvalidRequestException(ProblemCode.INVALID_SCHEDULE, field, message);
    }

    private static String shorten(String s) {
        return dev.freight.error.Messages.shorten(s);
    }

    @Override
    public String toString() {
        return expression + " (" + zone + ")";
    }
}
