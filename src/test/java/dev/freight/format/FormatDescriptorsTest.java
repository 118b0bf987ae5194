package dev.freight.format;

import dev.freight.error.InvalidRequestException;
import dev.freight.query.ExportRequest;
import dev.freight.query.SortKey;
import dev.freight.source.JdbcSource;
import dev.freight.testing.ExportRunner;
import dev.freight.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The descriptors are the one statement of what each format takes: a declared default is the value the writer uses,
 * every declared choice and bound is the parser's, and every format takes the common options.
 */
class FormatDescriptorsTest {
    /** Formats whose bytes do not depend on the time of the export (XLSX and PDF carry it). */
    private static final Set<ExportFormat> DETERMINISTIC = Set.of(ExportFormat.CSV, ExportFormat.TSV,
            ExportFormat.JSON, ExportFormat.NDJSON, ExportFormat.PARQUET);
    private static JdbcSource source;

    @BeforeAll
    static void table() {
        String url = TestDatabases.postgres();
        TestDatabases.execute(url, "DROP TABLE IF EXISTS described",
                "CREATE TABLE described (id int, amount numeric(12,2), ratio double precision, day date, "
                        + "at timestamptz, local_at timestamp, ok boolean, note text, raw bytea)",
                "INSERT INTO described VALUES (1, 1234567.50, 0.25, '2024-03-31', '2024-03-31T00:59:59Z', "
                        + "'2024-03-31T02:30:00', true, '=1+2', '\\x0102'), "
                        + "(2, NULL, NULL, NULL, NULL, NULL, NULL, 'a, \"b\"', NULL)");
        source = ExportRunner.open(url);
    }

    @AfterAll
    static void close() {
        source.close();
    }

    static Stream<Arguments> defaults() {
        List<Arguments> all = new ArrayList<>();
        for (ExportFormat f : ExportFormat.values()) {
            for (OptionSpec o : f.options()) if (o.defaultValue() != null) all.add(Arguments.of(f, o.name()));
        }
        return all.stream();
    }

    @Test
    void everyFormatHasItsOwnDescriptorTakingTheCommonOptions() {
        for (ExportFormat f : ExportFormat.values()) {
            FormatDescriptor d = f.descriptor();
            assertThat(d.id()).isEqualTo(f.id());
            // The common options shape written values (labels, zones, date patterns); a picture writes none.
            if (f.visual()) assertThat(d.options()).as(f.id()).doesNotContainAnyElementsOf(FormatOptions.COMMON);
            else assertThat(d.options()).as(f.id()).containsAll(FormatOptions.COMMON);
            assertThat(d.retiredOptions()).as(f.id()).doesNotContainAnyElementsOf(d.optionNames());
        }
        assertThat(ExportFormat.TSV.descriptor().option("delimiter").orElseThrow().defaultValue()).isEqualTo("\t");
        assertThat(ExportFormat.XLSX.accepts("sanitize_formulas")).isTrue();
        assertThat(ExportFormat.XLSX.optionNames()).doesNotContain("sanitize_formulas");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("defaults")
    void aDeclaredDefaultParsesToWhatAnAbsentOptionDoes(ExportFormat format, String option) {
        Object dflt = format.descriptor().option(option).orElseThrow().defaultValue();
        assertThat(effective(format, Map.of(option, dflt))).isEqualTo(effective(format, Map.of()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("defaults")
    void aDeclaredDefaultWritesTheSameBytesAsAnAbsentOption(ExportFormat format, String option) {
        if (!DETERMINISTIC.contains(format)) return;
        Object dflt = format.descriptor().option(option).orElseThrow().defaultValue();
        ExportRunner.Output absent = export(format, Map.of());
        ExportRunner.Output given = export(format, Map.of(option, dflt));
        assertThat(given.bytes()).isEqualTo(absent.bytes());
        // Same path too: a default, given or not, must not turn PostgreSQL's COPY off.
        boolean copy = format == ExportFormat.CSV || format == ExportFormat.TSV;
        assertThat(absent.result().copyFastPath()).isEqualTo(copy);
        assertThat(given.result().copyFastPath()).isEqualTo(copy);
    }

    @Test
    void everyDeclaredChoiceIsAcceptedAndNothingElse() {
        for (ExportFormat f : ExportFormat.values()) {
            for (OptionSpec o : f.options()) {
                if (o.type() != OptionType.CHOICE) continue;
                for (String choice : o.choices()) FormatOptions.parse(f, Map.of(o.name(), choice));
                refused(f, o.name(), "not-a-" + o.name());
            }
        }
    }

    @Test
    void theDeclaredBoundsAreTheParsersBounds() {
        int bounded = 0;
        for (ExportFormat f : ExportFormat.values()) {
            for (OptionSpec o : f.options()) {
                if (o.min() == null && o.max() == null) continue;
                bounded++;
                FormatOptions.parse(f, Map.of(o.name(), o.min()));
                FormatOptions.parse(f, Map.of(o.name(), o.max()));
                refused(f, o.name(), o.min() - 1);
                refused(f, o.name(), o.max() + 1);
            }
        }
        // pdf's font_size, parquet's row_group_size; png's and pdf_visual's width, height, device_scale, padding.
        assertThat(bounded).isEqualTo(10);
    }

    @Test
    void aDefaultMustFitItsOption() {
        assertThat(catchThrowableOfType(() -> OptionSpec.choice("x", "c", List.of("a", "b"), "x"),
                IllegalArgumentException.class)).isNotNull();
        assertThat(catchThrowableOfType(() -> OptionSpec.size("x", 10, 1, 5, "x"), IllegalArgumentException.class))
                .isNotNull();
        assertThat(catchThrowableOfType(() -> OptionSpec.of("x", OptionType.BOOLEAN, "yes", "x"),
                IllegalArgumentException.class)).isNotNull();
    }

    private static void refused(ExportFormat f, String option, Object value) {
        Map<String, Object> raw = new HashMap<>();
        raw.put(option, value);
        InvalidRequestException e = catchThrowableOfType(() -> FormatOptions.parse(f, raw),
                InvalidRequestException.class);
        assertThat(e).as(f.id() + " " + option + "=" + value).isNotNull();
        assertThat(e.code()).isEqualTo("invalid_option");
        assertThat(e.field()).isEqualTo("options." + option);
    }

    /** All a writer takes from the options: the parsed common ones and the format's own, as its check returns them. */
    private static List<Object> effective(ExportFormat format, Map<String, Object> raw) {
        FormatOptions o = FormatOptions.parse(format, raw);
        return Arrays.asList(o.delimiter(), o.header(), o.nullText(), o.bom(), o.lineEnding(), o.sanitizeFormulas(),
                o.timeZone(), Objects.toString(o.dateFormat()), Objects.toString(o.timestampFormat()),
                o.numberLocale(), o.boolText(), format.descriptor().checkOptions().apply(o));
    }

    private static ExportRunner.Output export(ExportFormat format, Map<String, Object> options) {
        return ExportRunner.export(source, ExportRequest.of("described", format.id())
                .withSort(List.of(new SortKey("id", "asc"))).withOptions(options));
    }
}
