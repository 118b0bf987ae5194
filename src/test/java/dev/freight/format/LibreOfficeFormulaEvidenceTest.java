package dev.freight.format;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import de.siegmar.fastcsv.writer.QuoteStrategies;
import dev.freight.query.ExportRequest;
import dev.freight.query.SortKey;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.FormulaCandidates;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The evidence behind the CSV/TSV formula rule ({@link FormulaGuard}), produced with the spreadsheet that can run
 * here: Freight exports every {@link FormulaCandidates} cell through its own CSV writer, raw
 * ({@code sanitize_formulas=false}) and neutralised (the default), and LibreOffice headless imports each file under
 * the settings a user meets; the flat ODS it writes is searched for {@code table:formula} cells. Prints a Markdown
 * table (also written to {@code target/formula-evidence.md}) and fails when a neutralised cell became a formula.
 * <p>
 * Runs only when asked ({@code FREIGHT_FORMULA_EVIDENCE=1}, which {@code scripts/formula-evidence.sh} sets) and
 * {@code soffice} is installed: the suite gives the same answer on every machine, LibreOffice or not (the unit and
 * golden tests hold the rule there). Skipped with a loud message otherwise.
 */
class LibreOfficeFormulaEvidenceTest {
    private static final String TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
    private static final String OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";

    /**
     * CSV import filter options of LibreOffice 7.x, by position: separators (codes, "/" between several), text
     * delimiter, charset (76 = UTF-8), first line, column formats, language, quoted field as text, detect special
     * numbers, (export only) ×2, trim spaces, (export only), evaluate formulas. {@code %s} is the file's own
     * separator. The Open dialog's defaults are those of LibreOffice's registry (Calc/Dialogs/CSVImport):
     * separators comma, semicolon and tab all ticked, Evaluate formulas, Trim spaces, Detect special numbers and
     * Quoted field as text off; the dialog then remembers what the user ticked last.
     */
    private enum Setting {
        HEADLESS("`--convert-to` without filter options (comma, system charset, evaluates formulas)", null),
        DIALOG("Open dialog defaults: separators `,` `;` tab, Evaluate formulas off",
                "CSV:44/59/9,34,76,1,,1033,false,false,false,false,false,false,false"),
        DIALOG_EVALUATE("dialog separators + Evaluate formulas",
                "CSV:44/59/9,34,76,1,,1033,false,false,false,false,false,false,true"),
        OWN_EVALUATE("the file's separator only + Evaluate formulas",
                "CSV:%s,34,76,1,,1033,false,false,false,false,false,false,true"),
        OWN_EVALUATE_TRIM("the file's separator only + Evaluate formulas + Trim spaces",
                "CSV:%s,34,76,1,,1033,false,false,false,false,true,false,true"),
        DIALOG_EVALUATE_TRIM("dialog separators + Evaluate formulas + Trim spaces",
                "CSV:44/59/9,34,76,1,,1033,false,false,false,false,true,false,true");

        final String description;
        final String filter;

        Setting(String description, String filter) {
            this.description = description;
            this.filter = filter;
        }

        String label() {
            return name().toLowerCase().replace('_', '+');
        }
    }

    private enum Separator {
        COMMA("csv", ',', 44, "`,`"), SEMICOLON("csv", ';', 59, "`;`"), TAB("tsv", '\t', 9, "tab");

        final String format;
        final char delimiter;
        final int code;
        final String shown;

        Separator(String format, char delimiter, int code, String shown) {
            this.format = format;
            this.delimiter = delimiter;
            this.code = code;
            this.shown = shown;
        }
    }

    /** One exported file: which separator, neutralised or not, and whether every field was re-quoted. */
    private record Variant(Separator separator, boolean neutralised, boolean allQuoted) {
        String fileName() {
            return separator.name().toLowerCase() + (neutralised ? "-neutralised" : "-raw")
                    + (allQuoted ? "-quoted" : "") + ".csv";
        }
    }

    @TempDir
    Path dir;

    @Test
    void noNeutralisedCellBecomesAFormulaInLibreOffice() throws Exception {
        if (!"1".equals(System.getenv("FREIGHT_FORMULA_EVIDENCE"))) {
            System.err.println("\n*** SKIPPING LIBREOFFICE FORMULA EVIDENCE: run scripts/formula-evidence.sh ***\n");
            Assumptions.abort("the LibreOffice evidence runs with scripts/formula-evidence.sh (FREIGHT_FORMULA_EVIDENCE=1)");
        }
        Path soffice = java.util.stream.Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
                .map(d -> Path.of(d, "soffice")).filter(Files::isExecutable).findFirst().orElse(null);
        if (soffice == null) {
            String message = "LibreOffice (soffice) is not installed: the formula evidence is not produced; install it"
                    + " with `apt-get install libreoffice-calc-nogui` and run scripts/formula-evidence.sh";
            System.err.println("\n*** SKIPPING LIBREOFFICE FORMULA EVIDENCE: " + message + " ***\n");
            Assumptions.abort(message);
        }

        Map<Variant, byte[]> files = exportCandidates();
        Path csvDir = Files.createDirectories(dir.resolve("csv"));
        for (Map.Entry<Variant, byte[]> f : files.entrySet()) Files.write(csvDir.resolve(f.getKey().fileName()), f.getValue());

        // Variant file name → setting → ids of the rows holding a formula cell.
        Map<Setting, Map<Variant, Set<Long>>> formulas = new LinkedHashMap<>();
        Path profile = Files.createDirectories(dir.resolve("profile"));
        for (Setting setting : Setting.values()) {
            Map<Variant, Set<Long>> found = new HashMap<>();
            for (Separator separator : Separator.values()) {
                if (setting == Setting.HEADLESS && separator != Separator.COMMA) continue;
                List<Variant> batch = files.keySet().stream().filter(v -> v.separator() == separator).toList();
                Path out = Files.createDirectories(dir.resolve(setting.name() + "-" + separator.name()));
                String filter = setting.filter == null ? null : setting.filter.replace("%s", Integer.toString(separator.code));
                convert(soffice, profile, filter, batch.stream().map(v -> csvDir.resolve(v.fileName())).toList(), out);
                for (Variant v : batch) {
                    found.put(v, formulaRows(out.resolve(v.fileName().replace(".csv", ".fods"))));
                }
            }
            formulas.put(setting, found);
        }

        String table = table(version(soffice), files, formulas);
        System.out.println(table);
        Path report = Path.of(System.getProperty("formula.evidence.out", "target/formula-evidence.md"));
        if (report.getParent() != null) Files.createDirectories(report.getParent());
        Files.writeString(report, table);

        List<String> leaks = new ArrayList<>();
        formulas.forEach((setting, found) -> found.forEach((variant, ids) -> {
            if (variant.neutralised() && !ids.isEmpty()) {
                ids.forEach(id -> leaks.add(FormulaCandidates.show(FormulaCandidates.ALL.get((int) (id - 1)))
                        + " in " + variant.fileName() + " under " + setting.label()));
            }
        }));
        assertThat(leaks).as("neutralised cells LibreOffice imported as formulas").isEmpty();
    }

    // ------------------------------------------------------------------------------------------- Freight's exports

    private Map<Variant, byte[]> exportCandidates() throws Exception {
        String url = "jdbc:h2:mem:formula_evidence_" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE \"candidates\" (\"id\" BIGINT PRIMARY KEY, \"cell\" CHARACTER VARYING)");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO \"candidates\" VALUES (?, ?)")) {
                for (int i = 0; i < FormulaCandidates.ALL.size(); i++) {
                    insert.setLong(1, i + 1);
                    insert.setString(2, FormulaCandidates.ALL.get(i));
                    insert.executeUpdate();
                }
            }
            Map<Variant, byte[]> files = new LinkedHashMap<>();
            try (JdbcSource source = ExportRunner.open(url)) {
                for (Separator separator : Separator.values()) {
                    for (boolean neutralised : List.of(false, true)) {
                        Map<String, Object> options = new HashMap<>();
                        options.put("sanitize_formulas", neutralised);
                        if (separator == Separator.SEMICOLON) options.put("delimiter", ";");
                        byte[] bytes = ExportRunner.export(source, ExportRequest.of("candidates", separator.format)
                                .withSort(List.of(new SortKey("id", "asc"))).withOptions(options)).bytes();
                        files.put(new Variant(separator, neutralised, false), bytes);
                        files.put(new Variant(separator, neutralised, true), quoteEveryField(bytes, separator.delimiter));
                    }
                }
            }
            return files;
        }
    }

    /** The same file as a tool that quotes every field would write it: quoting is no defence of its own. */
    private static byte[] quoteEveryField(byte[] csv, char delimiter) throws IOException {
        StringWriter text = new StringWriter();
        try (CsvReader<CsvRecord> reader = CsvReader.builder().fieldSeparator(delimiter)
                .ofCsvRecord(new String(csv, StandardCharsets.UTF_8));
             CsvWriter writer = CsvWriter.builder().fieldSeparator(delimiter).quoteStrategy(QuoteStrategies.ALWAYS)
                     .lineDelimiter(LineDelimiter.CRLF).build(text)) {
            for (CsvRecord record : reader) writer.writeRecord(record.getFields());
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------- LibreOffice

    private static void convert(Path soffice, Path profile, String filter, List<Path> inputs, Path out)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(soffice.toString(), "--headless", "--norestore",
                "-env:UserInstallation=" + profile.toUri()));
        if (filter != null) command.add("--infilter=" + filter);
        command.addAll(List.of("--convert-to", "fods", "--outdir", out.toString()));
        inputs.forEach(p -> command.add(p.toString()));
        Path log = out.resolve("soffice.log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // LibreOffice writes below $HOME even with its own profile directory.
        pb.environment().put("HOME", profile.toString());
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("soffice did not finish within 300 s: " + command);
        }
        for (Path in : inputs) {
            Path converted = out.resolve(in.getFileName().toString().replace(".csv", ".fods"));
            if (!Files.exists(converted)) {
                throw new IllegalStateException("soffice (exit " + p.exitValue() + ") did not convert " + in + ": "
                        + Files.readString(log));
            }
        }
    }

    private static String version(Path soffice) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(soffice.toString(), "--version").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor(60, TimeUnit.SECONDS);
        return text.lines().filter(l -> l.startsWith("LibreOffice")).findFirst().orElse(text);
    }

    /** Ids (first cell) of the rows that hold at least one formula cell. */
    private static Set<Long> formulaRows(Path fods) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        NodeList rows = factory.newDocumentBuilder().parse(fods.toFile()).getElementsByTagNameNS(TABLE, "table-row");
        Set<Long> ids = new TreeSet<>();
        for (int r = 0; r < rows.getLength(); r++) {
            String id = null;
            boolean formula = false;
            for (Node n = rows.item(r).getFirstChild(); n != null; n = n.getNextSibling()) {
                if (!(n instanceof Element cell) || !TABLE.equals(cell.getNamespaceURI())) continue;
                if (id == null) {
                    id = cell.getAttributeNS(OFFICE, "value");
                    continue;
                }
                formula |= cell.hasAttributeNS(TABLE, "formula");
            }
            if (formula && id != null && !id.isEmpty()) ids.add(Long.parseLong(id));
        }
        return ids;
    }

    // ------------------------------------------------------------------------------------------- the table

    private static String table(String version, Map<Variant, byte[]> files, Map<Setting, Map<Variant, Set<Long>>> formulas) {
        StringBuilder b = new StringBuilder();
        b.append("Formula cells after a LibreOffice import (").append(version).append(")\n\n");
        b.append("Raw = `sanitize_formulas=false`; neutralised = Freight's default. A column lists the files (by"
                + " separator) in which the cell became a formula; `-` = text everywhere.\n\n");
        List<Setting> settings = List.of(Setting.values());
        b.append("| cell | Freight writes (`,`) |");
        for (Setting s : settings) b.append(" raw: ").append(s.label()).append(" |");
        b.append(" raw, every field quoted: dialog+evaluate+trim | neutralised, any setting or quoting |\n");
        b.append("|---|---|").append("---|".repeat(settings.size() + 2)).append('\n');
        List<String> written = fields(files.get(new Variant(Separator.COMMA, true, false)), ',');
        for (int i = 0; i < FormulaCandidates.ALL.size(); i++) {
            long id = i + 1;
            b.append("| ").append(FormulaCandidates.show(FormulaCandidates.ALL.get(i))).append(" | ")
                    .append(written.get(i)).append(" |");
            for (Setting s : settings) b.append(' ').append(where(formulas.get(s), id, false, false)).append(" |");
            b.append(' ').append(where(formulas.get(Setting.DIALOG_EVALUATE_TRIM), id, false, true)).append(" |");
            List<String> leaks = new ArrayList<>();
            for (Setting s : settings) {
                for (boolean quoted : List.of(false, true)) {
                    String w = where(formulas.get(s), id, true, quoted);
                    if (!w.equals("-")) leaks.add(s.label() + (quoted ? " quoted" : "") + ": " + w);
                }
            }
            b.append(' ').append(leaks.isEmpty() ? "-" : "**" + String.join("; ", leaks) + "**").append(" |\n");
        }
        b.append("\nImport settings (LibreOffice CSV filter options):\n");
        for (Setting s : settings) {
            b.append("- ").append(s.label()).append(": ").append(s.description)
                    .append(s.filter == null ? "" : " — `--infilter=\"" + s.filter + "\"`").append('\n');
        }
        b.append("\n(`%s`: the file's own separator, 44, 59 or 9; 76 = UTF-8; LibreOffice's Open dialog defaults are"
                + " those of its registry, Calc/Dialogs/CSVImport.)\n");
        return b.toString();
    }

    private static String where(Map<Variant, Set<Long>> found, long id, boolean neutralised, boolean quoted) {
        List<String> in = new ArrayList<>();
        for (Separator sep : Separator.values()) {
            Set<Long> ids = found.get(new Variant(sep, neutralised, quoted));
            if (ids != null && ids.contains(id)) in.add(sep.shown);
        }
        return in.isEmpty() ? "-" : String.join(" ", in);
    }

    /** The cells of the {@code cell} column as written, quotes shown, in id order (header skipped). */
    private static List<String> fields(byte[] csv, char delimiter) {
        List<String> cells = new ArrayList<>();
        try (CsvReader<String> reader = CsvReader.builder().fieldSeparator(delimiter).build(new SecondField(),
                new String(csv, StandardCharsets.UTF_8))) {
            reader.forEach(cells::add);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return cells.subList(1, cells.size());
    }

    private static final class SecondField extends AbstractBaseCsvCallbackHandler<String> {
        private String second;

        @Override
        protected void handleBegin(long startingLineNumber) {
            second = null;
        }

        @Override
        protected void handleField(int fieldIdx, char[] buf, int offset, int len, boolean quoted) {
            if (fieldIdx != 1) return;
            String shown = FormulaCandidates.show(new String(buf, offset, len));
            second = quoted ? "`\"" + shown.substring(1, shown.length() - 1) + "\"`" : shown;
        }

        @Override
        protected String buildRecord() {
            return second;
        }
    }
}
