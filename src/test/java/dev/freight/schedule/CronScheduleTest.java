package dev.freight.schedule;

import dev.freight.error.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronScheduleTest {
    private static Instant at(String offsetDateTime) {
        return OffsetDateTime.parse(offsetDateTime).toInstant();
    }

    @Test
    void aWeeklyScheduleFiresOnMondaysAtEightInItsZone() {
        CronSchedule s = CronSchedule.parse("0 8 * * MON", "Europe/Berlin");
        assertThat(s.next(at("2026-11-30T09:00:00+01:00"), 2))
                .containsExactly(at("2026-12-07T08:00:00+01:00"), at("2026-12-14T08:00:00+01:00"));
    }

    @Test
    void aDailyTickInTheSkippedHourFiresOnceThatDayAfterTheGap() {
        // 2026-03-29: Europe/Berlin goes from 02:00 to 03:00.
        CronSchedule s = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
        assertThat(s.next(at("2026-03-28T03:00:00+01:00"), 3)).containsExactly(
                at("2026-03-29T03:30:00+02:00"), at("2026-03-30T02:30:00+02:00"), at("2026-03-31T02:30:00+02:00"));
    }

    @Test
    void aDailyTickInTheRepeatedHourFiresOnceAtItsFirstOccurrence() {
        // 2026-10-25: Europe/Berlin goes from 03:00 back to 02:00.
        CronSchedule s = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
        assertThat(s.next(at("2026-10-24T03:00:00+02:00"), 2))
                .containsExactly(at("2026-10-25T02:30:00+02:00"), at("2026-10-26T02:30:00+01:00"));
        // Asked from inside the second 02:xx hour, it does not fire 02:30 again.
        assertThat(s.nextAfter(at("2026-10-25T02:10:00+01:00"))).contains(at("2026-10-26T02:30:00+01:00"));
    }

    @Test
    void hourlyTicksAcrossTheGapNeverFireTwiceAtOneInstant() {
        CronSchedule s = CronSchedule.parse("0 * * * *", "Europe/Berlin");
        List<Instant> ticks = s.next(at("2026-03-29T00:30:00+01:00"), 3);
        assertThat(ticks).containsExactly(at("2026-03-29T01:00:00+01:00"), at("2026-03-29T03:00:00+02:00"),
                at("2026-03-29T04:00:00+02:00"));
    }

    @Test
    void sixFieldsPutSecondsFirst() {
        CronSchedule s = CronSchedule.parse("*/5 * * * * *", "UTC");
        assertThat(s.next(at("2026-01-01T00:00:01Z"), 2)).containsExactly(at("2026-01-01T00:00:05Z"),
                at("2026-01-01T00:00:10Z"));
    }

    @Test
    void theLatestTickAtOrBeforeNowIsTheOneToCatchUpWith() {
        CronSchedule s = CronSchedule.parse("0 8 * * *", "UTC");
        assertThat(s.latestAtOrBefore(at("2026-01-10T09:00:00Z"), at("2026-01-01T08:00:00Z")))
                .contains(at("2026-01-10T08:00:00Z"));
        assertThat(s.latestAtOrBefore(at("2026-01-10T08:00:00Z"), at("2026-01-01T08:00:00Z")))
                .contains(at("2026-01-10T08:00:00Z"));
        assertThat(s.latestAtOrBefore(at("2026-01-10T07:00:00Z"), at("2026-01-09T08:00:00Z"))).isEmpty();
    }

    @Test
    void aMalformedCronNamesWhatIsWrong() {
        assertThatThrownBy(() -> CronSchedule.parse("0 8 * *", "UTC")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("has 4 fields");
        assertThatThrownBy(() -> CronSchedule.parse("61 8 * * *", "UTC")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("is not valid");
        assertThatThrownBy(() -> CronSchedule.parse("0 8 * * FOO", "UTC")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("is not valid");
    }

    @Test
    void anUnknownTimeZoneIsRefused() {
        assertThatThrownBy(() -> CronSchedule.parse("0 8 * * *", "Mars/Olympus")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("time_zone \"Mars/Olympus\" is not a time zone");
    }
}
