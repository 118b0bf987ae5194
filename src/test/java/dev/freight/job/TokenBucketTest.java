package dev.freight.job;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aFullBucketGivesItsCapacityThenTellsTheWaitForTheNext() {
        TokenBucket b = TokenBucket.full(3, T0);
        for (int i = 0; i < 3; i++) b = b.takeOne();

        assertThat(b.hasOne()).isFalse();
        assertThat(b.untilNext()).isEqualTo(Duration.ofMinutes(20));
        assertThatThrownBy(b::takeOne).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void itRefillsGreedilyOneExportPerHourOverCapacity() {
        TokenBucket empty = TokenBucket.full(3, T0).takeOne().takeOne().takeOne();

        assertThat(empty.refilledAt(T0.plus(Duration.ofMinutes(19))).hasOne()).isFalse();
        TokenBucket one = empty.refilledAt(T0.plus(Duration.ofMinutes(20)));
        assertThat(one.hasOne()).isTrue();
        assertThat(one.takeOne().hasOne()).isFalse();
        assertThat(one.takeOne().refilledAt(T0.plus(Duration.ofMinutes(30))).untilNext()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void itNeverHoldsMoreThanItsCapacity() {
        TokenBucket later = TokenBucket.full(3, T0).takeOne().refilledAt(T0.plus(Duration.ofDays(3)));

        assertThat(later.tokens()).isEqualTo(3);
        assertThat(later.at()).isEqualTo(T0.plus(Duration.ofDays(3)));
    }

    /** Nodes read the job store's clock at slightly different moments: a reading behind the last one refills nothing. */
    @Test
    void aTimeBeforeTheLastRefillChangesNothing() {
        TokenBucket b = TokenBucket.full(2, T0).takeOne().takeOne();

        assertThat(b.refilledAt(T0.minusSeconds(30))).isEqualTo(b);
    }
}
