package dev.freight.query;

import dev.freight.error.InvalidRequestException;
import dev.freight.error.ForbiddenRequestException;
import dev.freight.error.Messages;
import dev.freight.error.ProblemCode;
import dev.freight.source.Catalog;
import dev.freight.source.Column;
import dev.freight.source.ColumnType;
import dev.freight.source.Dialect;
import dev.freight.source.Table;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns an {@link ExportRequest} into a {@link QueryPlan}. Every identifier in the SQL is the catalog's spelling,
 * quoted for the dialect; every value is a bound parameter. Anything it cannot honour is refused here, before
 * a single statement runs.
 */
public final class QueryPlanner {
    public static final long MAX_ROW_LIMIT = 1_000_000_000L;
    static final int MAX_LIST_VALUES = 1_000;
    static final int MAX_IDS = 10_000;
    static final int MAX_FILTERS = 50;
    static final int MAX_SORT_KEYS = 16;
    static final int MAX_LABEL_LENGTH = 200;
    /** Escape character for contains/starts_with patterns; not a backslash, which MariaDB string literals eat. */
    private static final char LIKE_ESCAPE = '!';

    private final Catalog catalog;
    private final Dialect dialect;

    private final long seriesMaxCells;
    private final java.time.Clock clock;

    public QueryPlanner(Catalog catalog, Dialect dialect) {
        this(catalog, dialect, SeriesPlanner.DEFAULT_MAX_CELLS, java.time.Clock.systemUTC());
    }

    /**
     * {@code seriesMaxCells}: the most buckets × groups of a time series ({@code exports.series_max_cells});
     * {@code clock}: what a series' timeframe ({@code last_7d} …) counts back from.
     */
    public QueryPlanner(Catalog catalog, Dialect dialect, long seriesMaxCells, java.time.Clock clock) {
        this.catalog = catalog;
        this.dialect = dialect;
        this.seriesMaxCells = seriesMaxCells;
        this.clock = clock;
    }

    /** The default cap on a series' buckets × groups. */
    public static final long DEFAULT_SERIES_MAX_CELLS = SeriesPlanner.DEFAULT_MAX_CELLS;

    public QueryPlan plan(ExportRequest request) {
        return plan(resolveTable(request.dataset()), request);
    }

    /** Plans against a dataset resolved elsewhere (a configured table or named query), unrestricted. */
    public QueryPlan plan(Table table, ExportRequest request) {
        return plan(table, request, DatasetAccess.FULL);
    }

    /**
     * Plans what {@code access} lets the caller see of the dataset: hidden columns do not exist for the request
     * (naming one is an unknown column, and messages list only visible ones), masked columns are exported masked and
     * cannot be filtered or sorted on, and the row filter is ANDed, in parentheses, around everything else.
     */
    public QueryPlan plan(Table fullTable, ExportRequest request, DatasetAccess access) {
        if (access == null) access = DatasetAccess.FULL;
        if (access.missingAttribute() != null) {
            throw new ForbiddenRequestException(ProblemCode.MISSING_ATTRIBUTE, null, "your role's row filter on dataset '"
                    + fullTable.name() + "' needs the attribute '" + access.missingAttribute() + "', which your "
                    + "principal does not have; nothing was exported");
        }
        Table table = access.restrict(fullTable);
        Map<String, Mask> masks = new LinkedHashMap<>();
        access.masks().forEach((name, mask) -> {
            if (table.column(name).isPresent()) masks.put(name, mask);
        });
        List<Column> columns = request.series() == null ? selectColumns(table, request.columns()) : null;
        List<String> labels = request.series() == null ? labels(table, columns, request.options().get("labels")) : null;

        List<String> conditions = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (access.rowFilter() != null) {
            // First and parenthesised: the caller's conditions can only narrow it, never widen it.
            conditions.add("(" + access.rowFilter() + ")");
            for (Object value : access.rowFilterParameters()) params.add(rowFilterParameter(value));
        }
        if (request.filters().size() > MAX_FILTERS) {
            throw new InvalidRequestException(ProblemCode.TOO_MANY_FILTERS, "filters", "at most " + MAX_FILTERS
                    + " filters are allowed, got " + request.filters().size());
        }
        List<Filter> normalizedFilters = new ArrayList<>();
        for (int i = 0; i < request.filters().size(); i++) {
            conditions.add(condition(table, masks, request.filters().get(i), "filters[" + i + "]", params,
                    normalizedFilters));
        }
        List<Object> normalizedIds = addIds(table, masks, request.ids(), conditions, params);
        if (request.series() != null) {
            return new SeriesPlanner(dialect, seriesMaxCells, clock).plan(fullTable, table, masks, request, conditions,
                    params, normalizedFilters, normalizedIds, access.hashKey());
        }
        addDateRange(fullTable, table, masks, request.dateFrom(), request.dateTo(), conditions, params);

        StringBuilder fromWhere = new StringBuilder(" FROM ").append(dialect.fromItem(table));
        if (!conditions.isEmpty()) {
            fromWhere.append(" WHERE ").append(String.join(" AND ", conditions));
        }
        List<Object> whereParams = List.copyOf(params);

        StringBuilder sql = new StringBuilder("SELECT ")
                .append(columns.stream().map(c -> dialect.quote(c.name())).collect(Collectors.joining(", ")))
                .append(fromWhere);
        String orderBy = orderBy(table, masks, request.sort());
        if (!orderBy.isEmpty()) sql.append(" ORDER BY ").append(orderBy);
        Long limit = rowLimit(request.rowLimit());
        if (limit != null) {
            sql.append(" LIMIT ?");
            params.add(limit);
        }
        Map<String, Mask> selectedMasks = new LinkedHashMap<>();
        for (Column c : columns) if (masks.containsKey(c.name())) selectedMasks.put(c.name(), masks.get(c.name()));
        // What ran, as it is stored with a job and audited: every value converted to its column's type.
        ExportRequest normalized = request.withFilters(normalizedFilters).withIds(normalizedIds);
        return new QueryPlan(dialect, table, columns, labels, sql.toString(), params, fromWhere.toString(), whereParams,
                orderBy, !conditions.isEmpty(), limit, inWords(table, request, limit), selectedMasks, normalized,
                access.hashKey());
    }

    /** A principal attribute: text, typed by the statement (see {@link Dialect.UntypedText}). */
    private Object rowFilterParameter(Object value) {
        String text = value == null ? null : String.valueOf(value);
        if (dialect == Dialect.POSTGRESQL && text != null && text.indexOf('\0') >= 0) {
            throw new ForbiddenRequestException(ProblemCode.INVALID_ATTRIBUTE, null, "an attribute your role's row filter needs "
                    + "contains a NUL character (U+0000), which PostgreSQL text cannot hold; nothing was exported");
        }
        return new Dialect.UntypedText(text);
    }

    private static void checkNotMasked(Map<String, Mask> masks, Column column, String field, String use) {
        Mask mask = masks.get(column.name());
        if (mask != null) {
            throw new InvalidRequestException(ProblemCode.MASKED_COLUMN, field, "column '" + column.name() + "' is masked for you ("
                    + mask.wireName() + "), so it cannot be used to " + use);
        }
    }

    /** "status in (paid, shipped), created_at from 2024-01-01; sorted by id desc; first 100 rows" — or "all rows". */
    private static String inWords(Table table, ExportRequest request, Long limit) {
        List<String> parts = new ArrayList<>();
        for (Filter f : request.filters()) {
            String op = FilterOp.fromWire(f.op()).map(o -> switch (o) {
                case EQ -> "=";
                case NE -> "≠";
                case LT -> "<";
                case LTE -> "≤";
                case GT -> ">";
                case GTE -> "≥";
                default -> o.wireName().replace('_', ' ');
            }).orElse(f.op());
            Object v = f.value();
            String value = v == null ? "" : " " + (v instanceof List<?> l
                    ? "(" + l.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")" : String.valueOf(v));
            parts.add(Messages.shorten(f.column() + " " + op + value));
        }
        if (!request.ids().isEmpty()) parts.add(request.ids().size() + " selected id(s)");
        if (request.dateFrom() != null || request.dateTo() != null) {
            String time = timeColumn(table).map(Column::name).orElse("time");
            parts.add(time + (request.dateFrom() != null ? " from " + request.dateFrom() : "")
                    + (request.dateTo() != null ? " before " + request.dateTo() : ""));
        }
        String words = parts.isEmpty() ? "all rows" : String.join(", ", parts);
        if (!request.sort().isEmpty()) {
            words += "; sorted by " + request.sort().stream()
                    .map(k -> k.column() + ("desc".equalsIgnoreCase(k.dir()) ? " desc" : "")).collect(Collectors.joining(", "));
        }
        if (limit != null) words += "; first " + limit + " rows";
        return words;
    }

    private Table resolveTable(String dataset) {
        if (dataset == null || dataset.isBlank()) {
            throw new InvalidRequestException(ProblemCode.MISSING_DATASET, "dataset",
                    Messages.required("dataset", catalog.datasetNames()));
        }
        return catalog.find(dataset).orElseThrow(() -> new InvalidRequestException(ProblemCode.UNKNOWN_DATASET, "dataset",
                Messages.unknown("dataset", dataset, catalog.datasetNames())));
    }

    private static List<Column> selectColumns(Table table, List<String> requested) {
        if (requested.isEmpty()) return table.columns();
        List<Column> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            Column c = column(table, requested.get(i), "columns[" + i + "]");
            if (!seen.add(c.name())) {
                throw new InvalidRequestException(ProblemCode.DUPLICATE_COLUMN, "columns[" + i + "]", "column '" + c.name()
                        + "' is listed twice");
            }
            result.add(c);
        }
        return result;
    }

    /** Exact name first, then a unique case-insensitive match, so users need not know the catalog's case. */
    static Column column(Table table, String name, String field) {
        if (name == null || name.isEmpty()) {
            throw new InvalidRequestException(ProblemCode.UNKNOWN_COLUMN, field, "a column name is required; columns of '"
                    + table.name() + "': " + columnChoices(table));
        }
        Optional<Column> exact = table.column(name);
        if (exact.isPresent()) return exact.get();
        List<Column> loose = table.columns().stream().filter(c -> c.name().equalsIgnoreCase(name)).toList();
        if (loose.size() == 1) return loose.get(0);
        throw new InvalidRequestException(ProblemCode.UNKNOWN_COLUMN, field, Messages.unknown("column", name,
                "in dataset '" + table.name() + "'", columnNames(table)));
    }

    private static List<String> labels(Table table, List<Column> columns, Object rawLabels) {
        Map<String, String> byColumn = new LinkedHashMap<>();
        if (rawLabels instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String field = "options.labels." + e.getKey();
                Column c = column(table, String.valueOf(e.getKey()), field);
                if (!(e.getValue() instanceof String label) || label.isBlank()) {
                    throw new InvalidRequestException(ProblemCode.INVALID_OPTION, field, "label for column '" + c.name()
                            + "' must be a non-empty string");
                }
                if (label.length() > MAX_LABEL_LENGTH || label.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
                    throw new InvalidRequestException(ProblemCode.INVALID_OPTION, field, "label for column '" + c.name()
                            + "' must be at most " + MAX_LABEL_LENGTH + " characters without control characters");
                }
                byColumn.put(c.name(), label);
            }
        } else if (rawLabels != null) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.labels",
                    "labels must be an object mapping column names to header labels");
        }
        List<String> labels = columns.stream().map(c -> byColumn.getOrDefault(c.name(), c.name())).toList();
        Set<String> seen = new HashSet<>();
        for (String label : labels) {
            if (!seen.add(label)) {
                throw new InvalidRequestException(ProblemCode.INVALID_OPTION, "options.labels", "header '" + label
                        + "' would appear twice; labels must be unique");
            }
        }
        return labels;
    }

    private String condition(Table table, Map<String, Mask> masks, Filter filter, String field, List<Object> params,
                             List<Filter> normalized) {
        if (filter == null) throw new InvalidRequestException(ProblemCode.INVALID_FILTER, field, "filter must not be null");
        Column column = column(table, filter.column(), field + ".column");
        List<FilterOp> allowed = filterOperators(column, masks.get(column.name()));
        checkNotMasked(masks, column, field + ".column", "filter");
        FilterOp op = FilterOp.fromWire(filter.op()).orElseThrow(() -> new InvalidRequestException(ProblemCode.UNKNOWN_OPERATOR,
                field + ".op", "unknown operator '" + Messages.shorten(String.valueOf(filter.op())) + "'; operators: "
                + FilterOp.choices()));
        checkOperatorApplies(column, op, allowed, field + ".op");
        String col = dialect.quote(column.name());
        String valueField = field + ".value";
        Object value = filter.value();
        return switch (op.arity()) {
            case NONE -> {
                if (value != null && !(value instanceof String s && s.isEmpty())) {
                    throw new InvalidRequestException(ProblemCode.INVALID_VALUE, valueField, "operator " + op.wireName()
                            + " takes no value");
                }
                normalized.add(new Filter(column.name(), op.wireName(), null));
                yield col + (op == FilterOp.IS_NULL ? " IS NULL" : " IS NOT NULL");
            }
            case ONE -> {
                Object v = coerce(value, column, valueField);
                normalized.add(new Filter(column.name(), op.wireName(), ValueCoercer.canonical(v)));
                switch (op) {
                    case CONTAINS -> params.add("%" + escapeLike((String) v) + "%");
                    case STARTS_WITH -> params.add(escapeLike((String) v) + "%");
                    default -> params.add(v);
                }
                yield switch (op) {
                    case EQ -> col + " = ?";
                    case NE -> "(" + col + " <> ? OR " + col + " IS NULL)";
                    case LT -> col + " < ?";
                    case LTE -> col + " <= ?";
                    case GT -> col + " > ?";
                    case GTE -> col + " >= ?";
                    case LIKE -> col + " LIKE ?";
                    default -> col + " LIKE ? ESCAPE '" + LIKE_ESCAPE + "'";
                };
            }
            case TWO -> {
                List<?> pair = list(value, op, valueField);
                if (pair.size() != 2) {
                    throw new InvalidRequestException(ProblemCode.INVALID_VALUE, valueField, "operator between takes exactly two"
                            + " values [low, high], got " + pair.size());
                }
                Object low = coerce(pair.get(0), column, valueField + "[0]");
                Object high = coerce(pair.get(1), column, valueField + "[1]");
                params.add(low);
                params.add(high);
                normalized.add(new Filter(column.name(), op.wireName(),
                        List.of(ValueCoercer.canonical(low), ValueCoercer.canonical(high))));
                yield col + " BETWEEN ? AND ?";
            }
            case MANY -> {
                List<?> values = list(value, op, valueField);
                if (values.isEmpty() || values.size() > MAX_LIST_VALUES) {
                    throw new InvalidRequestException(ProblemCode.INVALID_VALUE, valueField, "operator " + op.wireName()
                            + " takes 1 to " + MAX_LIST_VALUES + " values, got " + values.size());
                }
                List<Object> canonical = new ArrayList<>(values.size());
                for (int i = 0; i < values.size(); i++) {
                    Object v = coerce(values.get(i), column, valueField + "[" + i + "]");
                    params.add(v);
                    canonical.add(ValueCoercer.canonical(v));
                }
                normalized.add(new Filter(column.name(), op.wireName(), canonical));
                String marks = String.join(", ", java.util.Collections.nCopies(values.size(), "?"));
                yield op == FilterOp.IN ? col + " IN (" + marks + ")"
                        : "(" + col + " NOT IN (" + marks + ") OR " + col + " IS NULL)";
            }
        };
    }

    /** PostgreSQL text cannot hold U+0000; refusing it here makes it bad input rather than a failed export. */
    private Object coerce(Object raw, Column column, String field) {
        Object value = ValueCoercer.coerce(raw, column, field);
        if (dialect == Dialect.POSTGRESQL && value instanceof String s && s.indexOf('\0') >= 0) {
            throw new InvalidRequestException(ProblemCode.INVALID_VALUE, field, "value for column '" + column.name()
                    + "' contains a NUL character (U+0000), which PostgreSQL text cannot hold");
        }
        return value;
    }

    /**
     * The filter operators a request may use on {@code column} exported under {@code mask} (null: unmasked): none on
     * a masked column, else those its type allows. The planner validates every filter against this same list, and
     * {@code GET /export/tables} lists it, so the two cannot disagree.
     */
    public static List<FilterOp> filterOperators(Column column, Mask mask) {
        if (mask != null) return List.of();
        return java.util.Arrays.stream(FilterOp.values()).filter(o -> applies(column.type(), o)).toList();
    }

    /** {@code allowed}: {@link #filterOperators} of the column (a masked one is refused before, as masked_column). */
    private static void checkOperatorApplies(Column column, FilterOp op, List<FilterOp> allowed, String field) {
        if (!allowed.contains(op)) {
            throw new InvalidRequestException(ProblemCode.INVALID_OPERATOR, field, "operator " + op.wireName()
                    + " does not apply to column '" + column.name() + "' (" + column.type().wireName()
                    + "); operators for it: " + allowed.stream().map(FilterOp::wireName).collect(Collectors.joining(", ")));
        }
    }

    private static boolean applies(ColumnType t, FilterOp op) {
        return switch (t) {
            case BINARY -> op.arity() == FilterOp.Arity.NONE;
            case BOOLEAN -> !op.isOrdering() && !op.isTextMatch();
            case STRING -> true;
            case TEXT_LIKE -> !op.isOrdering();
            default -> !op.isTextMatch();
        };
    }

    /** Lists arrive as JSON arrays from the API and as comma-separated text from the CLI. */
    private static List<?> list(Object value, FilterOp op, String field) {
        if (value instanceof List<?> l) return l;
        if (value instanceof String s) return List.of(s.split(",", -1)).stream().map(String::trim).toList();
        throw new InvalidRequestException(ProblemCode.INVALID_VALUE, field, "operator " + op.wireName() + " takes a list of values");
    }

    private static String escapeLike(String s) {
        StringBuilder b = new StringBuilder(s.length() + 4);
        for (char ch : s.toCharArray()) {
            if (ch == '%' || ch == '_' || ch == LIKE_ESCAPE) b.append(LIKE_ESCAPE);
            b.append(ch);
        }
        return b.toString();
    }

    /** Adds the ids condition; returns the ids converted to the key's type. */
    private List<Object> addIds(Table table, Map<String, Mask> masks, List<Object> ids, List<String> conditions,
                                List<Object> params) {
        if (ids.isEmpty()) return List.of();
        if (table.primaryKey().size() != 1) {
            throw new InvalidRequestException(ProblemCode.IDS_NOT_SUPPORTED, "ids", "dataset '" + table.name()
                    + "' has no single-column key, so rows cannot be selected by id");
        }
        if (ids.size() > MAX_IDS) {
            throw new InvalidRequestException(ProblemCode.INVALID_VALUE, "ids", "at most " + MAX_IDS + " ids are allowed, got "
                    + ids.size());
        }
        // A hidden key is not named: to the caller the dataset simply has no key among its columns.
        Column key = table.column(table.primaryKey().get(0)).orElseThrow(() -> new InvalidRequestException(
                ProblemCode.UNKNOWN_COLUMN, "ids", "dataset '" + table.name() + "' has no visible key column, so rows cannot be "
                + "selected by id; columns: " + columnChoices(table)));
        checkNotMasked(masks, key, "ids", "select rows by id");
        List<Object> canonical = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            Object id = coerce(ids.get(i), key, "ids[" + i + "]");
            params.add(id);
            canonical.add(ValueCoercer.canonical(id));
        }
        conditions.add(dialect.quote(key.name()) + " IN (" + String.join(", ", java.util.Collections.nCopies(ids.size(), "?")) + ")");
        return canonical;
    }

    private void addDateRange(Table fullTable, Table table, Map<String, Mask> masks, String from, String to,
                              List<String> conditions, List<Object> params) {
        if (from == null && to == null) return;
        String field = from != null ? "date_from" : "date_to";
        Column time = timeColumn(fullTable).orElseThrow(() -> new InvalidRequestException(ProblemCode.NO_TIME_COLUMN, field,
                "dataset '" + table.name() + "' has no date or timestamp column, so date_from/date_to cannot apply"));
        // The time column of the whole dataset, never a visible stand-in: the range would silently mean another thing.
        if (table.column(time.name()).isEmpty()) {
            throw new InvalidRequestException(ProblemCode.NO_TIME_COLUMN, field, "dataset '" + table.name() + "' has no visible "
                    + "date or timestamp column, so date_from/date_to cannot apply");
        }
        checkNotMasked(masks, time, field, "filter by date");
        if (from != null) {
            params.add(coerce(from, time, "date_from"));
            conditions.add(dialect.quote(time.name()) + " >= ?");
        }
        if (to != null) {
            params.add(coerce(to, time, "date_to"));
            conditions.add(dialect.quote(time.name()) + " < ?");
        }
    }

    /**
     * The dataset's time column: the configured one, else {@code created_at} when it is temporal, else its first
     * date/timestamp column.
     */
    public static Optional<Column> timeColumn(Table table) {
        if (table.timeColumn() != null) return table.column(table.timeColumn());
        Optional<Column> named = table.columns().stream()
                .filter(c -> c.name().equalsIgnoreCase("created_at") && isDateLike(c.type())).findFirst();
        return named.isPresent() ? named : table.columns().stream().filter(c -> isDateLike(c.type())).findFirst();
    }

    private static boolean isDateLike(ColumnType t) {
        return t == ColumnType.DATE || t == ColumnType.TIMESTAMP || t == ColumnType.TIMESTAMP_TZ;
    }

    private String orderBy(Table table, Map<String, Mask> masks, List<SortKey> sort) {
        if (sort.size() > MAX_SORT_KEYS) {
            throw new InvalidRequestException(ProblemCode.INVALID_SORT, "sort", "at most " + MAX_SORT_KEYS + " sort keys are allowed");
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < sort.size(); i++) {
            SortKey key = sort.get(i);
            String field = "sort[" + i + "]";
            if (key == null) throw new InvalidRequestException(ProblemCode.INVALID_SORT, field, "sort key must not be null");
            Column c = column(table, key.column(), field + ".column");
            checkNotMasked(masks, c, field + ".column", "sort");
            if (c.type() == ColumnType.BINARY) {
                throw new InvalidRequestException(ProblemCode.INVALID_SORT, field + ".column", "cannot sort by binary column '"
                        + c.name() + "'");
            }
            String dir = key.dir() == null ? "asc" : key.dir().toLowerCase(Locale.ROOT);
            if (!dir.equals("asc") && !dir.equals("desc")) {
                throw new InvalidRequestException(ProblemCode.INVALID_SORT, field + ".dir", "sort direction '" + Messages.shorten(key.dir())
                        + "' is not asc or desc");
            }
            keys.add(dialect.quote(c.name()) + (dir.equals("desc") ? " DESC" : " ASC"));
        }
        return String.join(", ", keys);
    }

    private static Long rowLimit(Long limit) {
        if (limit == null) return null;
        if (limit < 1 || limit > MAX_ROW_LIMIT) {
            throw new InvalidRequestException(ProblemCode.INVALID_ROW_LIMIT, "row_limit", "row_limit must be between 1 and "
                    + MAX_ROW_LIMIT + ", got " + limit);
        }
        return limit;
    }

    private static String columnChoices(Table table) {
        return Messages.choices(columnNames(table));
    }

    private static List<String> columnNames(Table table) {
        return table.columns().stream().map(Column::name).toList();
    }
}
