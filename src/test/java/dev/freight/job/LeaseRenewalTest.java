package dev.freight.job;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseRenewalTest {

    @Test
    void renewsWhatIsHeldInOneCallEachRoundAndNothingOnceRemoved() throws Exception {
        List<List<String>> calls = new CopyOnWriteArrayList<>();
        try (LeaseRenewal renewal = new LeaseRenewal("test-renewal", Duration.ofMillis(20), ids -> calls.add(List.copyOf(ids)))) {
            renewal.add("a");
            renewal.add("b");
            dev.freight.testing.Await.until("a renewal", Duration.ofSeconds(5), () -> !calls.isEmpty());
            assertThat(calls.get(0)).containsExactlyInAnyOrder("a", "b");

            renewal.remove("a");
            renewal.remove("b");
            int before = calls.size();
            Thread.sleep(100);
            assertThat(calls.size()).isLessThanOrEqualTo(before + 1);
        }
    }

    @Test
    void aFailedRoundIsTriedAgainAtTheNext() throws Exception {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        try (LeaseRenewal renewal = new LeaseRenewal("test-renewal", Duration.ofMillis(20), ids -> {
            attempts.add(attempts.size());
            if (attempts.size() == 1) throw new IllegalStateException("job store down");
        })) {
            renewal.add("a");
            dev.freight.testing.Await.until("a second round", Duration.ofSeconds(5), () -> attempts.size() >= 2);
        }
    }
}
