package peers;

import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The XLSX reference: Apache POI's streaming SXSSF writer fed by pgJDBC, written the way its documentation shows,
 * with typed cells as Freight writes them (numbers as numbers, decimals with a format of their scale, timestamps as
 * dates in UTC, booleans as booleans, the rest as text) and a bold header. One cell style per column kind, made
 * once: POI keeps every style in the workbook, so a style per cell would be a mistake, not a fair reference.
 * <p>Usage: {@code PoiXlsx JDBC_URL TABLE OUT.xlsx [MAX_ROWS]}
 */
public final class PoiXlsx {
    /** Excel's limit is 1,048,576 rows per sheet, one of them the header; more rows continue on a new sheet. */
    private static final int MAX_DATA_ROWS = 1_048_575;

    public static void main(String[] args) throws Exception {
        try (Connection connection = Pg.connect(args[0]);
             OutputStream out = new BufferedOutputStream(new FileOutputStream(args[2]), 1 << 16)) {
            ResultSet rs = Pg.stream(connection, args[1], args);
            ResultSetMetaData meta = rs.getMetaData();
            int n = meta.getColumnCount();
            // 100 rows in memory, the rest in a temporary file (SXSSF's default window).
            SXSSFWorkbook workbook = new SXSSFWorkbook(100);
            CellStyle header = workbook.createCellStyle();
            Font bold = workbook.createFont();
            bold.setBold(true);
            header.setFont(bold);
            CellStyle[] styles = new CellStyle[n + 1];
            int[] types = new int[n + 1];
            boolean[] tz = new boolean[n + 1];
            for (int c = 1; c <= n; c++) {
                types[c] = meta.getColumnType(c);
                tz[c] = Pg.isTimestampTz(meta, c);
                styles[c] = style(workbook, types[c], meta.getScale(c));
            }
            Sheet sheet = null;
            int sheets = 0, r = 0;
            while (rs.next()) {
                if (sheet == null || r > MAX_DATA_ROWS) {
                    sheet = workbook.createSheet(args[1] + (sheets++ == 0 ? "" : " (" + sheets + ")"));
                    Row head = sheet.createRow(0);
                    for (int c = 1; c <= n; c++) {
                        Cell cell = head.createCell(c - 1);
                        cell.setCellValue(meta.getColumnLabel(c));
                        cell.setCellStyle(header);
                    }
                    r = 1;
                }
                Row row = sheet.createRow(r++);
                for (int c = 1; c <= n; c++) write(rs, c, types[c], tz[c], row, styles[c]);
            }
            workbook.write(out);
            workbook.close();
            workbook.dispose();
        }
    }

    private static CellStyle style(SXSSFWorkbook workbook, int type, int scale) {
        String format = switch (type) {
            case Types.NUMERIC, Types.DECIMAL -> scale > 0 ? "0." + "0".repeat(scale) : "0";
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> "yyyy-mm-dd hh:mm:ss";
            case Types.DATE -> "yyyy-mm-dd";
            default -> null;
        };
        if (format == null) return null;
        CellStyle style = workbook.createCellStyle();
        style.setDataFormat(workbook.createDataFormat().getFormat(format));
        return style;
    }

    private static void write(ResultSet rs, int c, int type, boolean tz, Row row, CellStyle style) throws Exception {
        switch (type) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> {
                long v = rs.getLong(c);
                if (!rs.wasNull()) row.createCell(c - 1).setCellValue(v);
            }
            case Types.NUMERIC, Types.DECIMAL -> {
                BigDecimal v = rs.getBigDecimal(c);
                if (v != null) cell(row, c, style).setCellValue(v.doubleValue());
            }
            case Types.DOUBLE, Types.FLOAT, Types.REAL -> {
                double v = rs.getDouble(c);
                if (!rs.wasNull()) row.createCell(c - 1).setCellValue(v);
            }
            case Types.BIT, Types.BOOLEAN -> {
                boolean v = rs.getBoolean(c);
                if (!rs.wasNull()) row.createCell(c - 1).setCellValue(v);
            }
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
                // pgJDBC reports timestamptz as TIMESTAMP; its instant is shown as UTC wall-clock time, as Freight does.
                LocalDateTime v = tz
                        ? Optional.ofNullable(rs.getObject(c, OffsetDateTime.class))
                            .map(t -> t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()).orElse(null)
                        : rs.getObject(c, LocalDateTime.class);
                if (v != null) cell(row, c, style).setCellValue(v);
            }
            default -> {
                String v = rs.getString(c);
                if (v != null) row.createCell(c - 1).setCellValue(v);
            }
        }
    }

    private static Cell cell(Row row, int c, CellStyle style) {
        Cell cell = row.createCell(c - 1);
        cell.setCellStyle(style);
        return cell;
    }
}
