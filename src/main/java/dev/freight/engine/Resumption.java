package dev.freight.engine;

import dev.freight.format.ExportFormat;
import dev.freight.query.SortKey;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;

import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * How an export that may stop half-way (its node dies, its source connection drops) is written so that another
 * run can continue it instead of starting over: its rows ordered by a one-column key, and {@link Checkpoint}s taken
 * at row boundaries when {@link Marks#wanted()} asks for one, with everything before flushed into the destination.
 * {@code after}: where this run continues a file whose first {@code durable} bytes are already stored (null: from
 * the start). The continuing run's query selects only the rows after {@code after.key()}; the engine then writes no
 * preamble, writes its first row as one that follows another, and drops the bytes between the checkpoint's row end
 * and {@code durable} (a store that keeps whole parts may hold a little more than the checkpoint).
 */
public record Resumption(int keyColumn, Checkpoint after, long durable, Marks marks) {
    /** Formats whose bytes for a row do not depend on the rows before it, beyond "first or not". */
    private static final Set<ExportFormat> FORMATS = Set.of(ExportFormat.CSV, ExportFormat.TSV, ExportFormat.JSON,
            ExportFormat.NDJSON);
    /** Key types whose values print as text a filter on the key reads back exactly. */
    private static final Set<ColumnType> KEY_TYPES = Set.of(ColumnType.INTEGER, ColumnType.STRING, ColumnType.TEXT_LIKE,
            ColumnType.DECIMAL, ColumnType.DATE, ColumnType.TIMESTAMP, ColumnType.TIMESTAMP_TZ);

    public Resumption {
        if (after != null && durable < after.rowEnd()) {
            throw new IllegalArgumentException("the stored bytes end before the checkpoint's row");
        }
    }

    /** Where checkpoints go: asked on every row whether one is wanted now (keep it cheap: a volatile read). */
    public interface Marks {
        boolean wanted();

        void reached(Checkpoint checkpoint);
    }

    public boolean continues() {
        return after != null;
    }

    /** The first run of a resumable export. */
    public static Resumption fromStart(int keyColumn, Marks marks) {
        return new Resumption(keyColumn, null, 0, marks);
    }

    public Resumption continuing(Checkpoint checkpoint, long durableBytes) {
        return new Resumption(keyColumn, checkpoint, durableBytes, marks);
    }

    /**
     * The position of the key among the plan's columns when the export can be continued: a streaming text format
     * without gzip (a compressed stream cannot be cut at a row), a table with a one-column key of a type listed
     * above, selected and not masked (the checkpoint holds its value), and ordered by that key alone, ascending.
     * Empty otherwise: such an export starts over when it is run again.
     */
    public static OptionalInt keyColumn(ExportPlan plan) {
        if (!FORMATS.contains(plan.format()) || plan.gzip()) return OptionalInt.empty();
        List<String> key = plan.plan().table().primaryKey();
        if (key.size() != 1 || plan.plan().request() == null) return OptionalInt.empty();
        String name = key.get(0);
        List<SortKey> sort = plan.plan().request().sort();
        if (sort.size() != 1 || !sort.get(0).column().equals(name) || !"asc".equalsIgnoreCase(sort.get(0).dir())) {
            return OptionalInt.empty();
        }
        if (plan.plan().masks().containsKey(name)) return OptionalInt.empty();
        List<Column> columns = plan.plan().columns();
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return KEY_TYPES.contains(columns.get(i).type()) ? OptionalInt.of(i) : OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }
}
