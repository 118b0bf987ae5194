package dev.freight.engine;

import dev.freight.error.ProblemCode;
import dev.freight.query.SeriesShape;

import java.io.IOException;
import java.util.Arrays;

/**
 * Turns a series query's rows into the export's rows as they stream, filling empty buckets. The query orders its
 * rows by the groups and then the bucket, so one group's rows arrive together: a group's gaps are filled between
 * two of its rows, and its tail when the next group (or the end) arrives. Memory is one group's values, however
 * many groups there are: groups are never enumerated up front, they are whatever the query returns.
 *
 * <p>The cap on buckets × groups is counted here: the buckets are known (and were checked) before the query ran,
 * the groups only as they arrive, so a series whose groups pass the cap fails with {@code series_too_large} at the
 * group that passes it, before its rows are written.
 */
final class SeriesRows implements RowSource.RowConsumer {
    private final SeriesShape shape;
    private final RowSource.RowConsumer out;
    private final long step;
    private final boolean fill;
    /** The current group's values (as its first row spelt them) and its rank. */
    private Object[] group;
    private long groupRank;
    private long next;
    private long groups;
    private long written;

    SeriesRows(SeriesShape shape, RowSource.RowConsumer out) {
        this.shape = shape;
        this.out = out;
        this.step = shape.granularity().step();
        this.fill = shape.fill() != SeriesShape.Fill.NONE;
    }

    @Override
    public void accept(Object[] raw) throws IOException {
        long bucket = ((Number) raw[0]).longValue();
        long rank = shape.groupRank() < 0 ? 0 : ((Number) raw[shape.groupRank()]).longValue();
        if (group == null || rank != groupRank) {
            if (group != null) fillTo(shape.last() + step);
            group = Arrays.copyOfRange(raw, 1, 1 + shape.groupCount());
            groupRank = rank;
            next = shape.first();
            if (++groups * shape.bucketCount() > shape.maxCells() && fill) throw tooLarge();
        }
        if (bucket >= next) fillTo(bucket);
        emit(shape.output(raw));
        next = bucket + step;
    }

    /** The tails of the last group, or for a series without groups and without rows, every bucket of the range. */
    void finish() throws IOException {
        if (group == null && shape.groupCount() == 0) {
            group = new Object[0];
            next = shape.first();
        }
        if (group != null) fillTo(shape.last() + step);
    }

    long written() {
        return written;
    }

    private void fillTo(long end) throws IOException {
        if (!fill) return;
        for (long b = next; b < end; b += step) {
            if (shape.exists(b)) emit(shape.empty(b, group));
        }
        next = Math.max(next, end);
    }

    private void emit(Object[] row) throws IOException {
        if (++written > shape.maxCells()) throw tooLarge();
        out.accept(row);
    }

    private ExportFailedException tooLarge() {
        return new ExportFailedException(ProblemCode.SERIES_TOO_LARGE.code(), "the series has more than "
                + shape.maxCells() + " buckets × groups (" + shape.bucketCount() + " buckets of a "
                + shape.granularity().wireName() + "); use a coarser granularity, a shorter range, fewer group_by "
                + "columns or filters", false, null);
    }
}
