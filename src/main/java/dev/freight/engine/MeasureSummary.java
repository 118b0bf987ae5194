package dev.freight.engine;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Min, max, sum and count of one measure column of a series over the rows written (nulls left out): taken as the
 * rows stream, so an alert on a measure ({@code max(sum_unit_price) > 10000}) needs no second query and no reading
 * of the file. Empty ({@code count == 0}) when the column held only nulls.
 */
public record MeasureSummary(BigDecimal min, BigDecimal max, BigDecimal sum, long count) {

    public BigDecimal avg() {
        return count == 0 ? null : sum.divide(BigDecimal.valueOf(count), MathContext.DECIMAL64);
    }

    /** Collects the summaries of the measure columns at {@code indexes} of each written row. */
    static final class Collector {
        private final List<String> names;
        private final int[] indexes;
        private final BigDecimal[] min;
        private final BigDecimal[] max;
        private final BigDecimal[] sum;
        private final long[] count;

        Collector(List<String> names, int[] indexes) {
            this.names = names;
            this.indexes = indexes;
            this.min = new BigDecimal[indexes.length];
            this.max = new BigDecimal[indexes.length];
            this.sum = new BigDecimal[indexes.length];
            this.count = new long[indexes.length];
        }

        void add(Object[] row) {
            for (int i = 0; i < indexes.length; i++) {
                BigDecimal v = decimal(row[indexes[i]]);
                if (v == null) continue;
                if (count[i]++ == 0) {
                    min[i] = v;
                    max[i] = v;
                    sum[i] = v;
                } else {
                    if (v.compareTo(min[i]) < 0) min[i] = v;
                    if (v.compareTo(max[i]) > 0) max[i] = v;
                    sum[i] = sum[i].add(v);
                }
            }
        }

        Map<String, MeasureSummary> summaries() {
            Map<String, MeasureSummary> out = new LinkedHashMap<>();
            for (int i = 0; i < indexes.length; i++) {
                out.put(names.get(i), new MeasureSummary(min[i], max[i], count[i] == 0 ? BigDecimal.ZERO : sum[i], count[i]));
            }
            return Collections.unmodifiableMap(out);
        }

        private static BigDecimal decimal(Object v) {
            if (v instanceof BigDecimal d) return d;
            if (v instanceof Long || v instanceof Integer || v instanceof Short) return BigDecimal.valueOf(((Number) v).longValue());
            if (v instanceof Double || v instanceof Float) {
                double d = ((Number) v).doubleValue();
                return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
            }
            if (v instanceof java.math.BigInteger b) return new BigDecimal(b);
            return null;
        }
    }
}
