package dev.freight.store;

import dev.freight.error.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageCursorTest {
    private static final Instant AT = Instant.parse("2025-03-01T10:15:30.123456Z");

    @Test
    void aCursorDecodesToTheTimeAndIdItWasMadeFrom() {
        PageCursor cursor = new PageCursor(AT, "job_01HZX");

        assertThat(PageCursor.decode(cursor.encode())).isEqualTo(cursor);
        assertThat(PageCursor.decode(new PageCursor(AT, "42").encode()).numericId()).isEqualTo(42L);
    }

    @Test
    void theTokenIsUnchangedSoCursorsHandedOutBeforeStillWork() {
        String before = Base64.getUrlEncoder().withoutPadding()
                .encodeToString((AT.getEpochSecond() + "." + AT.getNano() + ":job_01HZX").getBytes(StandardCharsets.UTF_8));

        assertThat(new PageCursor(AT, "job_01HZX").encode()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-cursor", "", "%%%", "MTIz", "bm8gZG90OjE"})
    void aMalformedCursorIsRefusedAsAnInvalidRequest(String cursor) {
        assertThatThrownBy(() -> PageCursor.decode(cursor)).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_cursor");
            assertThat(e.field()).isEqualTo("cursor");
            assertThat(e.getMessage()).isEqualTo("invalid cursor; use the next_cursor of a previous page, unchanged");
        });
    }

    @Test
    void aCursorOfATextIdIsRefusedWhereTheIdsAreNumbers() {
        PageCursor jobCursor = PageCursor.decode(new PageCursor(AT, "job_01HZX").encode());

        assertThatThrownBy(jobCursor::numericId).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.code()).isEqualTo("invalid_cursor"));
    }

    @Test
    void aPageKeepsTheLimitAndPointsAfterItsLastRowOnlyWhenMoreFollow() {
        List<Integer> fetched = List.of(5, 4, 3);

        PageCursor.Page<Integer> more = PageCursor.page(fetched, 2, n -> new PageCursor(AT, n.toString()));
        PageCursor.Page<Integer> last = PageCursor.page(fetched, 3, n -> new PageCursor(AT, n.toString()));

        assertThat(more.rows()).containsExactly(5, 4);
        assertThat(PageCursor.decode(more.nextCursor()).id()).isEqualTo("4");
        assertThat(last.rows()).containsExactly(5, 4, 3);
        assertThat(last.nextCursor()).isNull();
    }
}
