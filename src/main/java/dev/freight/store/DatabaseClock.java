package dev.freight.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The job store's clock: the one time every node shares. Leases, claims, retries and expiry compare times that
 * different nodes wrote, so they must come from one clock; a node whose own clock runs a minute ahead would
 * otherwise take every running job from healthy nodes at its first claim. The database's time is read now and
 * then and carried forward with the monotonic {@link System#nanoTime()}, so a jump of the node's wall clock changes
 * nothing either, and asking costs no round trip.
 */
public final class DatabaseClock extends Clock {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseClock.class);
    /** How long one reading is carried forward: clocks drift by far less than a lease in this time. */
    private static final long REREAD_NANOS = Duration.ofSeconds(30).toNanos();
    private static final Duration SKEW_WORTH_SAYING = Duration.ofSeconds(2);

    private final DataSource database;
    private final Clock local;
    private volatile Reading reading;

    private record Reading(Instant databaseTime, long nanos) {
    }

    /** {@code local}: this node's own clock, only to warn when it is far from the database's. */
    public DatabaseClock(DataSource database, Clock local) {
        this.database = database;
        this.local = local;
    }

    @Override
    public Instant instant() {
        Reading r = reading;
        long nanos = System.nanoTime();
        if (r == null || nanos - r.nanos() > REREAD_NANOS) {
            Reading fresh = read();
            if (fresh != null) {
                r = fresh;
                reading = fresh;
            } else if (r == null) {
                // No reading yet and none to be had: the store itself is down, and whatever runs next fails too.
                return local.instant();
            }
        }
        return r.databaseTime().plusNanos(System.nanoTime() - r.nanos());
    }

    private Reading read() {
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT CURRENT_TIMESTAMP")) {
            long before = System.nanoTime();
            rs.next();
            OffsetDateTime t = rs.getObject(1, OffsetDateTime.class);
            Instant databaseTime = t.toInstant();
            Duration skew = Duration.between(databaseTime, local.instant());
            if (reading == null && skew.abs().compareTo(SKEW_WORTH_SAYING) > 0) {
                LOG.warn("this node's clock is {} ms {} the job store's; Freight times leases, retries and expiry by the "
                        + "job store's clock", Math.abs(skew.toMillis()), skew.isNegative() ? "behind" : "ahead of");
            }
            return new Reading(databaseTime, before);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("cannot read the job store's clock: {}", e.getMessage());
            return null;
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (zone.equals(ZoneOffset.UTC)) return this;
        throw new UnsupportedOperationException("the job store's clock is UTC");
    }
}
