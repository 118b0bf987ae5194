package dev.freight.format;

import dev.freight.query.ExportRequest;
import dev.freight.query.SortKey;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.openxml4j.util.ZipSecureFile;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.util.XMLHelper;
import org.apache.poi.xssf.eventusermodel.ReadOnlySharedStringsTable;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.eventusermodel.XSSFSheetXMLHandler;
import org.apache.poi.xssf.usermodel.XSSFComment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;
import org.xml.sax.XMLReader;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,100,000 rows do not fit on one Excel sheet (1,048,576 rows with the header): the export continues on a second
 * sheet with the header repeated. Read back with POI's streaming (SAX) reader; a DOM workbook of that size would
 * need gigabytes.
 */
@Tag("slow")
class XlsxSheetRotationTest {
    private static final int ROWS = 1_100_000;
    private static final int PER_SHEET = 1_048_575;

    @TempDir
    Path dir;

    @Test
    void moreRowsThanASheetHoldsContinueOnASecondSheetWithTheHeaderRepeated() throws Exception {
        String url = TestDatabases.postgres();
        TestDatabases.execute(url,
                "CREATE TABLE IF NOT EXISTS xlsx_rotation (id bigint PRIMARY KEY, label text, amount numeric(10,2))",
                "TRUNCATE xlsx_rotation",
                "INSERT INTO xlsx_rotation SELECT g, 'r' || g, g / 100.0 FROM generate_series(1, " + ROWS + ") g");
        Path file = dir.resolve("rotation.xlsx");
        try (JdbcSource source = ExportRunner.open(url)) {
            ExportRunner.Output out = ExportRunner.export(source, ExportRequest.of("xlsx_rotation", "xlsx")
                    .withSort(List.of(new SortKey("id", "asc"))).withOptions(Map.of()));
            assertThat(out.result().rows()).isEqualTo(ROWS);
            Files.write(file, out.bytes());
        }

        List<SheetSummary> sheets = readSheets(file);

        assertThat(sheets).extracting(SheetSummary::name).containsExactly("xlsx_rotation", "xlsx_rotation (2)");
        SheetSummary first = sheets.get(0);
        SheetSummary second = sheets.get(1);
        assertThat(first.rows).isEqualTo(PER_SHEET + 1).isEqualTo(1_048_576);
        assertThat(second.rows).isEqualTo(ROWS - PER_SHEET + 1);
        for (SheetSummary s : sheets) {
            assertThat(s.header).containsExactly("id", "label", "amount");
            assertThat(s.lastRef).startsWith("C");
        }
        assertThat(first.firstData).containsExactly("1", "r1", "0.01");
        assertThat(first.lastData).containsExactly("1048575", "r1048575", "10485.75");
        assertThat(second.firstData).containsExactly("1048576", "r1048576", "10485.76");
        assertThat(second.lastData).containsExactly("1100000", "r1100000", "11000.00");
        assertThat(second.lastRef).isEqualTo("C" + (ROWS - PER_SHEET + 1));
    }

    static final class SheetSummary implements XSSFSheetXMLHandler.SheetContentsHandler {
        final String name;
        long rows;
        List<String> header = new ArrayList<>();
        List<String> firstData = new ArrayList<>();
        List<String> lastData = new ArrayList<>();
        String lastRef;
        private List<String> current;

        SheetSummary(String name) {
            this.name = name;
        }

        String name() {
            return name;
        }

        @Override
        public void startRow(int rowNum) {
            rows++;
            current = rowNum == 0 ? header : rowNum == 1 ? firstData : new ArrayList<>();
        }

        @Override
        public void endRow(int rowNum) {
            if (rowNum > 0) lastData = current;
        }

        @Override
        public void cell(String ref, String formattedValue, XSSFComment comment) {
            current.add(formattedValue);
            lastRef = ref;
        }
    }

    private static List<SheetSummary> readSheets(Path file) throws Exception {
        // Sheet XML compresses very well; POI's zip-bomb guard would take it for one.
        ZipSecureFile.setMinInflateRatio(0.001);
        List<SheetSummary> sheets = new ArrayList<>();
        try (OPCPackage pkg = OPCPackage.open(file.toFile(), PackageAccess.READ)) {
            XSSFReader reader = new XSSFReader(pkg);
            ReadOnlySharedStringsTable strings = new ReadOnlySharedStringsTable(pkg);
            XSSFReader.SheetIterator it = (XSSFReader.SheetIterator) reader.getSheetsData();
            while (it.hasNext()) {
                try (InputStream in = it.next()) {
                    SheetSummary summary = new SheetSummary(it.getSheetName());
                    XMLReader parser = XMLHelper.newXMLReader();
                    parser.setContentHandler(new XSSFSheetXMLHandler(reader.getStylesTable(), null, strings, summary,
                            new DataFormatter(), false));
                    parser.parse(new InputSource(in));
                    sheets.add(summary);
                }
            }
        }
        return sheets;
    }
}
