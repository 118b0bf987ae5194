package dev.freight.audit;

import java.time.Instant;
import java.util.List;

/** Where audit events go (the job store's audit table), and where they are read back from. */
@FunctionalInterface
public interface AuditLog {
    AuditLog NONE = event -> { };
    int DEFAULT_LIMIT = 100;
    int MAX_LIMIT = 500;

    /** Stores the event. Never throws: a failing audit log must not fail the export it records. */
    void record(AuditEvent event);

    /** Events matching every non-null criterion, newest first, one page per cursor. Nothing for a log that keeps nothing. */
    default Page find(Query query) {
        return new Page(List.of(), null);
    }

    /**
     * Which events to read: null criteria match everything; {@code from} is inclusive, {@code to} exclusive;
     * {@code cursor} is the {@code nextCursor} of the previous page (an invalid one throws InvalidRequestException {@code invalid_cursor}).
     */
    record Query(String principal, String action, String dataset, String jobId, Instant from, Instant to, String cursor,
                 int limit) {
        public Query {
            if (limit < 1 || limit > MAX_LIMIT) throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
            if (action != null && !AuditEvent.ACTIONS.contains(action)) {
                throw new IllegalArgumentException("unknown action '" + action + "'");
            }
        }

        public static Query all(int limit) {
            return new Query(null, null, null, null, null, null, null, limit);
        }

        public Query withJob(String id) {
            return new Query(principal, action, dataset, id, from, to, cursor, limit);
        }

        public Query withCursor(String c) {
            return new Query(principal, action, dataset, jobId, from, to, c, limit);
        }
    }

    /** {@code nextCursor} is null on the last page. */
    record Page(List<AuditEvent> events, String nextCursor) {
        public Page {
            events = List.copyOf(events);
        }
    }
}
