package dev.freight.store;

import dev.freight.error.InvalidRequestException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * The position after the last row of a newest-first page ({@code ORDER BY <time> DESC, id DESC}): the row's time and
 * id, as an opaque base64url token ({@code <epoch seconds>.<nanos>:<id>}) that clients hand back unchanged. A token
 * that does not decode is the client's mistake: {@code 400 invalid_cursor}, never a crash.
 */
public record PageCursor(Instant at, String id) {
    public static final String INVALID = "invalid_cursor";

    /** One page of rows and the cursor of the next one (null on the last page). */
    public record Page<T>(List<T> rows, String nextCursor) {
    }

    public String encode() {
        String raw = at.getEpochSecond() + "." + at.getNano() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws InvalidRequestException {@code invalid_cursor} when it is not a cursor this class encoded */
    public static PageCursor decode(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int dot = raw.indexOf('.');
            int colon = raw.indexOf(':');
            Instant at = Instant.ofEpochSecond(Long.parseLong(raw.substring(0, dot)),
                    Long.parseLong(raw.substring(dot + 1, colon)));
            return new PageCursor(at, raw.substring(colon + 1));
        } catch (RuntimeException e) {
            throw invalid();
        }
    }

    /** The id of a table with numeric ids. @throws InvalidRequestException {@code invalid_cursor} if it is none */
    public long numericId() {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw invalid();
        }
    }

    /**
     * The page of a query that fetched up to {@code limit + 1} rows: the first {@code limit}, and when there were more,
     * the cursor after the last of them.
     */
    public static <T> Page<T> page(List<T> fetched, int limit, Function<? super T, PageCursor> position) {
        if (fetched.size() <= limit) return new Page<>(List.copyOf(fetched), null);
        List<T> rows = List.copyOf(fetched.subList(0, limit));
        return new Page<>(rows, position.apply(rows.get(limit - 1)).encode());
    }

    private static InvalidRequestException invalid() {
        return new InvalidRequestException(INVALID, "cursor", "invalid cursor; use the next_cursor of a previous page, "
                + "unchanged");
    }
}
